//! Tests of the order state machine: every legal move, refusals, duplicates, history.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use OrderSignal as G;
use OrderState as S;

/// An order driven through `signals` (all must be accepted), timestamps 1, 2, 3…
fn driven(signals: &[OrderSignal]) -> Order {
    signals.iter().enumerate().fold(Order::new(), |o, (i, s)| {
        apply(&o, *s, i as i64 + 1).unwrap()
    })
}

const LEGAL: &[(&[OrderSignal], OrderSignal, OrderState)] = &[
    (&[], G::Paid, S::Paid),
    (&[], G::Shipped, S::Shipped),
    (&[], G::Completed, S::Completed),
    (&[], G::Closed, S::Closed),
    (&[G::Paid], G::Shipped, S::Shipped),
    (&[G::Paid], G::Completed, S::Completed),
    (&[G::Paid], G::Closed, S::Closed),
    (&[G::Paid], G::RefundRequested, S::Refunding),
    (&[G::Paid], G::Refunded, S::Refunded),
    (&[G::Shipped], G::Completed, S::Completed),
    (&[G::Shipped], G::Closed, S::Closed),
    (&[G::Shipped], G::RefundRequested, S::Refunding),
    (&[G::Shipped], G::Refunded, S::Refunded),
    (&[G::Completed], G::Closed, S::Closed),
    (&[G::Completed], G::RefundRequested, S::Refunding),
    (&[G::Completed], G::Refunded, S::Refunded),
    (&[G::Paid, G::RefundRequested], G::Completed, S::Completed),
    (&[G::Paid, G::RefundRequested], G::Closed, S::Refunded),
    (
        &[G::Paid, G::RefundRequested],
        G::RefundCancelled,
        S::RefundClosed,
    ),
    (&[G::Paid, G::RefundRequested], G::Refunded, S::Refunded),
    (
        &[G::Paid, G::RefundRequested, G::RefundCancelled],
        G::Paid,
        S::Paid,
    ),
    (
        &[G::Paid, G::RefundRequested, G::RefundCancelled],
        G::Shipped,
        S::Shipped,
    ),
    (
        &[G::Shipped, G::RefundRequested, G::RefundCancelled],
        G::Shipped,
        S::Shipped,
    ),
    (
        &[G::Shipped, G::RefundRequested, G::RefundCancelled],
        G::Completed,
        S::Completed,
    ),
    (
        &[G::Paid, G::RefundRequested, G::RefundCancelled],
        G::Closed,
        S::Closed,
    ),
    (
        &[G::Paid, G::RefundRequested, G::RefundCancelled],
        G::RefundRequested,
        S::Refunding,
    ),
    (
        &[G::Paid, G::RefundRequested, G::RefundCancelled],
        G::Refunded,
        S::Refunded,
    ),
];

#[test]
fn every_legal_transition_moves_and_is_recorded() {
    for (before, signal, to) in LEGAL {
        let order = driven(before);
        let from = order.state;
        let next =
            apply(&order, *signal, 99).unwrap_or_else(|e| panic!("{before:?}+{signal:?}: {e}"));
        assert_eq!(next.state, *to, "{before:?} + {signal:?}");
        let last = next.history.last().unwrap();
        assert_eq!(
            *last,
            Transition {
                from,
                to: *to,
                at_ms: 99,
                signal: *signal
            }
        );
        assert_eq!(next.history.len(), order.history.len() + 1);
    }
}

const ILLEGAL: &[(&[OrderSignal], OrderSignal)] = &[
    (&[], G::RefundRequested),
    (&[], G::RefundCancelled),
    (&[], G::Refunded),
    (&[G::Paid], G::Placed),
    (&[G::Paid], G::RefundCancelled),
    (&[G::Shipped], G::Placed),
    (&[G::Shipped], G::Paid),
    (&[G::Shipped], G::Bargained),
    (&[G::Completed], G::Paid),
    (&[G::Completed], G::Shipped),
    (&[G::Completed], G::RefundCancelled),
    (&[G::Paid, G::RefundRequested], G::Paid),
    (&[G::Paid, G::RefundRequested], G::Shipped),
    (&[G::Paid, G::RefundRequested], G::Placed),
    (
        &[G::Shipped, G::RefundRequested, G::RefundCancelled],
        G::Paid,
    ),
    (
        &[G::Paid, G::RefundRequested, G::RefundCancelled],
        G::Placed,
    ),
    (&[G::Closed], G::Paid),
    (&[G::Closed], G::Shipped),
    (&[G::Closed], G::Refunded),
    (&[G::Closed], G::RefundRequested),
    (&[G::Paid, G::Refunded], G::Paid),
    (&[G::Paid, G::Refunded], G::Completed),
    (&[G::Paid, G::Refunded], G::RefundRequested),
];

#[test]
fn illegal_transitions_are_refused_with_state_and_signal() {
    for (before, signal) in ILLEGAL {
        let order = driven(before);
        let err = apply(&order, *signal, 99).expect_err(&format!("{before:?} + {signal:?}"));
        assert_eq!(
            err,
            IllegalTransition {
                from: order.state,
                signal: *signal
            }
        );
        assert_eq!(err.code(), "illegal_order_transition");
    }
}

#[test]
fn duplicates_are_idempotent() {
    let cases: &[(&[OrderSignal], OrderSignal)] = &[
        (&[], G::Placed),
        (&[G::Paid], G::Paid),
        (&[G::Shipped], G::Shipped),
        (&[G::Completed], G::Completed),
        (&[G::Closed], G::Closed),
        (&[G::Paid, G::RefundRequested], G::RefundRequested),
        (
            &[G::Paid, G::RefundRequested, G::RefundCancelled],
            G::RefundCancelled,
        ),
        (&[G::Paid, G::Refunded], G::Refunded),
        (&[G::Paid, G::Refunded], G::Closed),
        (&[G::Bargained], G::Bargained),
    ];
    for (before, signal) in cases {
        let order = driven(before);
        assert_eq!(
            apply(&order, *signal, 99).unwrap(),
            order,
            "{before:?} + {signal:?}"
        );
    }
}

#[test]
fn bargain_sets_the_flag_once_and_keeps_the_state() {
    let o = apply(&Order::new(), G::Bargained, 5).unwrap();
    assert!(o.bargain);
    assert_eq!(o.state, S::Placed);
    assert_eq!(o.history.len(), 1);
    let o = apply(&o, G::Paid, 6).unwrap();
    assert!(o.bargain, "the flag survives payment");
    let paid = driven(&[G::Paid]);
    assert!(apply(&paid, G::Bargained, 7).unwrap().bargain);
}

#[test]
fn history_keeps_every_change_in_order() {
    let o = driven(&[
        G::Placed,
        G::Bargained,
        G::Paid,
        G::Paid,
        G::Shipped,
        G::Completed,
    ]);
    let steps: Vec<_> = o.history.iter().map(|t| (t.from, t.to, t.at_ms)).collect();
    assert_eq!(
        steps,
        [
            (S::Placed, S::Placed, 2),
            (S::Placed, S::Paid, 3),
            (S::Paid, S::Shipped, 5),
            (S::Shipped, S::Completed, 6),
        ]
    );
    let refused = apply(&o, G::Paid, 7);
    assert!(refused.is_err());
    assert_eq!(o.history.len(), 4, "a refusal leaves the order untouched");
}

#[test]
fn can_deliver_only_paid_orders() {
    assert!(!can_deliver(&Order::new()));
    assert!(can_deliver(&driven(&[G::Paid])));
    assert!(can_deliver(&driven(&[G::Bargained, G::Paid])));
    for done in [
        &[G::Shipped][..],
        &[G::Completed],
        &[G::Closed],
        &[G::Paid, G::RefundRequested],
        &[G::Paid, G::Refunded],
        &[G::Shipped, G::RefundRequested, G::RefundCancelled],
    ] {
        assert!(!can_deliver(&driven(done)), "{done:?}");
    }
    let withdrawn = driven(&[G::Paid, G::RefundRequested, G::RefundCancelled]);
    assert_eq!(withdrawn.state, S::RefundClosed);
    assert!(can_deliver(&withdrawn));
    let again = driven(&[
        G::Paid,
        G::RefundRequested,
        G::RefundCancelled,
        G::RefundRequested,
        G::RefundCancelled,
    ]);
    assert_eq!(again.state_before_refund(), Some(S::Paid));
    assert!(can_deliver(&again));
}

#[test]
fn state_names_round_trip() {
    for s in [
        S::Placed,
        S::Paid,
        S::Shipped,
        S::Completed,
        S::Closed,
        S::Refunding,
        S::RefundClosed,
        S::Refunded,
    ] {
        assert_eq!(s.as_str().parse::<OrderState>().unwrap(), s);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.as_str())
        );
    }
    assert!("pending_ship".parse::<OrderState>().is_err());
    assert_eq!(
        serde_json::to_string(&G::RefundRequested).unwrap(),
        "\"refund_requested\""
    );
    assert!(S::Closed.is_terminal() && S::Refunded.is_terminal() && !S::Paid.is_terminal());
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const SIGNALS: [OrderSignal; 9] = [
        G::Placed,
        G::Paid,
        G::Shipped,
        G::Completed,
        G::Closed,
        G::RefundRequested,
        G::RefundCancelled,
        G::Refunded,
        G::Bargained,
    ];

    proptest! {
        /// Any signal sequence: an accepted signal applied again changes nothing, a refusal
        /// names the current state, history grows by at most one, terminal states stay put.
        #[test]
        fn random_signal_sequences_behave(seq in prop::collection::vec(0..SIGNALS.len(), 0..40)) {
            let mut order = Order::new();
            for (i, idx) in seq.into_iter().enumerate() {
                let signal = SIGNALS[idx];
                match apply(&order, signal, i as i64) {
                    Ok(next) => {
                        prop_assert!(next.history.len() <= order.history.len() + 1);
                        prop_assert!(!order.state.is_terminal() || next.state == order.state);
                        prop_assert_eq!(&apply(&next, signal, i as i64 + 1).unwrap(), &next);
                        order = next;
                    }
                    Err(e) => prop_assert_eq!(e.from, order.state),
                }
            }
        }
    }
}
