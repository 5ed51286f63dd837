//! The explanation being built during a decision, and the rendering of the fired reply.

use super::decision::{Decision, FiredRule, Level, ReplyOut, Step, StepOutcome};
use super::engine::MessageContext;
use super::rules::ReplyBody;
use super::template::{Placeholder, TemplateVars};

/// Renders a reply body; a text that renders blank is sent as nothing.
fn render(body: &ReplyBody, ctx: &MessageContext<'_>) -> Option<ReplyOut> {
    match body {
        ReplyBody::Text(template) => {
            let needs_clock = template
                .placeholders()
                .any(|p| matches!(p, Placeholder::Date | Placeholder::Time));
            let (date, time) = if needs_clock {
                (
                    ctx.now_local.format("%Y-%m-%d").to_string(),
                    ctx.now_local.format("%H:%M").to_string(),
                )
            } else {
                (String::new(), String::new())
            };
            let vars = TemplateVars {
                buyer_name: ctx.buyer_name,
                buyer_id: ctx.buyer_id,
                message: ctx.text,
                item_id: ctx.item_id.unwrap_or_default(),
                item_title: ctx.item_title.unwrap_or_default(),
                item_price: ctx.item_price.unwrap_or_default(),
                account_remark: ctx.account_remark,
                date: &date,
                time: &time,
            };
            let text = template.render(&vars);
            (!text.trim().is_empty()).then_some(ReplyOut::Text(text))
        }
        ReplyBody::Image { image_ref } => Some(ReplyOut::Image {
            image_ref: image_ref.clone(),
        }),
        ReplyBody::Silent => None,
    }
}

/// The explanation being built.
#[derive(Default)]
pub(crate) struct Trace {
    steps: Vec<Step>,
}

impl Trace {
    pub(crate) fn note(&mut self, level: Level, outcome: StepOutcome, reason: String) {
        if self.steps.capacity() == 0 {
            self.steps.reserve_exact(11);
        }
        self.steps.push(Step {
            level,
            outcome,
            reason,
        });
    }

    fn decision(self, decided_by: Option<Level>) -> Decision {
        Decision {
            reply: None,
            fired: None,
            decided_by,
            steps: self.steps,
            remember_once: None,
        }
    }

    pub(crate) fn nothing(self) -> Decision {
        self.decision(None)
    }

    pub(crate) fn stop(mut self, level: Level, reason: String) -> Decision {
        self.note(level, StepOutcome::Fired, reason);
        self.decision(Some(level))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fire(
        mut self,
        level: Level,
        rule_id: i64,
        keyword: Option<String>,
        body: &ReplyBody,
        ctx: &MessageContext<'_>,
        reason: String,
        remember_once: Option<i64>,
    ) -> Decision {
        let reply = render(body, ctx);
        let reason = match (body, &reply) {
            (ReplyBody::Silent, _) => {
                format!("{reason} Its reply is empty, so the bot stays silent.")
            }
            (_, None) => format!("{reason} Its text rendered empty, so nothing is sent."),
            _ => reason,
        };
        self.note(level, StepOutcome::Fired, reason);
        Decision {
            reply,
            fired: Some(FiredRule {
                level,
                rule_id,
                keyword,
            }),
            decided_by: Some(level),
            steps: self.steps,
            remember_once,
        }
    }
}
