//! Automatic delivery: cards (what is sent), delivery rules (which orders get which card) and
//! the rendering of what the buyer receives.
//!
//! Pure: storage keeps cards, rules and stock lines; the runner fetches HTTP content, waits the
//! card's delay and sends. This module validates cards and rules, chooses the one rule for an
//! order ([`select_rule`]), computes the units ([`units`]), renders message and request bodies
//! and picks the content out of a JSON answer ([`pick_json`]).
//!
//! Rule selection, in short: only the order owner's enabled rules; item by id or by keyword in
//! the folded title/description; a rule with a spec only matches that spec, a spec-less rule
//! matches any spec, and when both kinds match the spec-specific rule wins. Exactly one rule
//! must remain; none or several means no delivery, with the reason ([`NoDelivery`]) recorded
//! on the order.
//!
//! Template placeholders (message templates and POST body templates): `{content}` (message
//! only), `{order_id}`, `{item_id}`, `{buyer_id}`, `{spec_name}`, `{spec_value}`,
//! `{quantity}`, `{amount}` (`¥x.yy`). Unknown placeholders are rejected when a card is saved.

mod card;
mod error;
mod json_path;
mod ports;
mod render;
mod rules;
mod template;

pub use card::{
    Card, CardId, CardKind, HttpFetchSpec, HttpMethod, MAX_CARD_NAME_CHARS, MAX_CARD_TEXT_CHARS,
    MAX_DELAY_SECS, stock_lines,
};
pub use error::DeliveryError;
pub use json_path::{extract_content, pick_json};
pub use ports::{
    DeliveryInput, DeliveryOutcome, DeliveryState, DeliveryUnit, DeliveryUpdate, ItemFacts,
    ItemSnapshot, Observed, OrderBook, OrderDetail, OrderObservation, Reservation, StoredOrder,
};
pub use render::{render_http_body, render_message};
pub use rules::{
    DeliveryRule, DeliveryRuleId, ItemMatch, MAX_ITEM_MATCH_CHARS, MAX_UNITS_PER_ORDER, NoDelivery,
    OrderFacts, select_rule, units,
};
pub use template::{DeliveryTemplate, DeliveryVar};

#[cfg(test)]
mod tests;
