//! [`apply`] and [`can_deliver`]: the transition table of the module doc, as code.

use super::{IllegalTransition, Order, OrderSignal, OrderState, Transition};

/// What a signal does to a state: nothing, a move, or a refusal.
enum Outcome {
    Same,
    Move(OrderState),
    SetBargain,
    Refuse,
}

/// The position of a progress state on the happy path; `None` for the others.
fn rank(state: OrderState) -> Option<u8> {
    match state {
        OrderState::Placed => Some(0),
        OrderState::Paid => Some(1),
        OrderState::Shipped => Some(2),
        OrderState::Completed => Some(3),
        _ => None,
    }
}

/// The state a progress signal leads to on the happy path.
fn progress_target(signal: OrderSignal) -> Option<OrderState> {
    match signal {
        OrderSignal::Placed => Some(OrderState::Placed),
        OrderSignal::Paid => Some(OrderState::Paid),
        OrderSignal::Shipped => Some(OrderState::Shipped),
        OrderSignal::Completed => Some(OrderState::Completed),
        _ => None,
    }
}

fn outcome(order: &Order, signal: OrderSignal) -> Outcome {
    use OrderSignal as G;
    use OrderState as S;
    let state = order.state;
    match (state, signal) {
        (S::Placed | S::Paid, G::Bargained) => {
            if order.bargain {
                Outcome::Same
            } else {
                Outcome::SetBargain
            }
        }
        (_, G::Bargained) => Outcome::Refuse,
        // Terminal states absorb only their own kind of end.
        (S::Closed, G::Closed) | (S::Refunded, G::Closed | G::Refunded) => Outcome::Same,
        (S::Closed | S::Refunded, _) => Outcome::Refuse,
        // Refunds need a paid order.
        (S::Placed, G::RefundRequested | G::RefundCancelled | G::Refunded) => Outcome::Refuse,
        (S::Paid | S::Shipped | S::Completed, G::RefundCancelled) => Outcome::Refuse,
        (S::Paid | S::Shipped | S::Completed | S::RefundClosed, G::RefundRequested) => {
            Outcome::Move(S::Refunding)
        }
        (_, G::Refunded) => Outcome::Move(S::Refunded),
        (S::Refunding, G::RefundRequested) | (S::RefundClosed, G::RefundCancelled) => Outcome::Same,
        (S::Refunding, G::RefundCancelled) => Outcome::Move(S::RefundClosed),
        // A close while a refund is in progress is the refund succeeding.
        (S::Refunding, G::Closed) => Outcome::Move(S::Refunded),
        (_, G::Closed) => Outcome::Move(S::Closed),
        (S::Refunding, G::Completed) => Outcome::Move(S::Completed),
        (S::Refunding, _) => Outcome::Refuse,
        (S::RefundClosed, _) => resume(order, signal),
        (_, _) => forward(state, signal),
    }
}

/// A progress signal on the happy path: forward moves, duplicates are no-ops, backwards refused.
fn forward(state: OrderState, signal: OrderSignal) -> Outcome {
    match (rank(state), progress_target(signal)) {
        (Some(from), Some(to)) => match rank(to) {
            Some(r) if r == from => Outcome::Same,
            Some(r) if r > from => Outcome::Move(to),
            _ => Outcome::Refuse,
        },
        _ => Outcome::Refuse,
    }
}

/// A progress signal after a withdrawn refund: accepted unless behind the pre-refund state.
fn resume(order: &Order, signal: OrderSignal) -> Outcome {
    let floor = order
        .state_before_refund()
        .and_then(rank)
        .unwrap_or(rank(OrderState::Paid).unwrap_or(1));
    match progress_target(signal) {
        Some(to) if to != OrderState::Placed && rank(to).is_some_and(|r| r >= floor) => {
            Outcome::Move(to)
        }
        _ => Outcome::Refuse,
    }
}

/// Applies an observed signal to an order; pure, the caller stores the result.
///
/// A repeated signal for the current state is `Ok` and returns the order unchanged; a signal the
/// current state does not accept (see the module doc's table) is an [`IllegalTransition`].
pub fn apply(order: &Order, signal: OrderSignal, at_ms: i64) -> Result<Order, IllegalTransition> {
    let from = order.state;
    let mut next = order.clone();
    match outcome(order, signal) {
        Outcome::Same => {}
        Outcome::Refuse => return Err(IllegalTransition { from, signal }),
        Outcome::SetBargain => {
            next.bargain = true;
            next.history.push(Transition {
                from,
                to: from,
                at_ms,
                signal,
            });
        }
        Outcome::Move(to) => {
            next.state = to;
            next.history.push(Transition {
                from,
                to,
                at_ms,
                signal,
            });
        }
    }
    Ok(next)
}

/// Whether the order may be delivered now: paid and not shipped, closed, refunding or refunded.
///
/// An order whose refund request was withdrawn before shipment may be delivered again.
pub fn can_deliver(order: &Order) -> bool {
    match order.state {
        OrderState::Paid => true,
        OrderState::RefundClosed => order.state_before_refund() == Some(OrderState::Paid),
        _ => false,
    }
}
