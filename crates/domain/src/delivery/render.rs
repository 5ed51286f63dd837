//! Rendering a unit's message and a fetch card's request body.

use super::{Card, HttpFetchSpec, OrderFacts};

/// The message sent for one unit: the card's message template around `content`, or `content`
/// itself without a template.
pub fn render_message(card: &Card, content: &str, facts: &OrderFacts) -> String {
    match &card.message_template {
        Some(t) => t.render(content, facts),
        None => content.to_owned(),
    }
}

/// The request body of a fetch card for this order (empty without a body template).
pub fn render_http_body(spec: &HttpFetchSpec, facts: &OrderFacts) -> String {
    spec.body_template
        .as_ref()
        .map(|t| t.render("", facts))
        .unwrap_or_default()
}
