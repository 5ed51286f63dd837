//! The explanation being built during a decision, and the rendering of the fired reply.

use super::decision::{Decision, FiredRule, Level, ReplyOut, Step, StepOutcome};
use super::engine::MessageContext;
use super::rules::ReplyBody;
use super::template::{Placeholder, TemplateVars};
use std::borrow::Cow;

/// Why a level had its outcome: a stable code, the values it names, and the English sentence
/// made of them (built by [`reason!`]).
pub(crate) struct Reason {
    pub(crate) code: &'static str,
    pub(crate) text: String,
    pub(crate) args: Vec<(&'static str, String)>,
}

/// `reason!("code", "English text naming {value}", value = expr, …)`: each value is formatted
/// into the sentence and kept by name, so the interface can translate the code.
macro_rules! reason {
    ($code:literal, $text:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        // all values first: a name may shadow what a later value reads
        #[allow(unused_parens, clippy::redundant_locals)]
        let ($($name),*) = ($($value),*);
        $crate::replies::trace::Reason {
            code: $code,
            text: format!($text),
            args: vec![$((stringify!($name), $name.to_string())),*],
        }
    }};
}
pub(crate) use reason;

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
    pub(crate) fn note(&mut self, level: Level, outcome: StepOutcome, reason: Reason) {
        if self.steps.capacity() == 0 {
            self.steps.reserve_exact(11);
        }
        self.steps.push(Step {
            level,
            outcome,
            reason: reason.text,
            code: Cow::Borrowed(reason.code),
            args: reason
                .args
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect(),
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

    pub(crate) fn stop(mut self, level: Level, reason: Reason) -> Decision {
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
        mut reason: Reason,
        remember_once: Option<i64>,
    ) -> Decision {
        let reply = render(body, ctx);
        let then = match (body, &reply) {
            (ReplyBody::Silent, _) => {
                Some(("silent", "Its reply is empty, so the bot stays silent."))
            }
            (_, None) => Some((
                "rendered_empty",
                "Its text rendered empty, so nothing is sent.",
            )),
            _ => None,
        };
        if let Some((code, text)) = then {
            reason.text = format!("{} {text}", reason.text);
            reason.args.push(("then", code.to_owned()));
        }
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
