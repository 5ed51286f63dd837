//! After the send: shipment confirmation (`consign.dummy`, spec §2.4.4), the bargain flow
//! (free shipping, spec §2.4.5), and the order signals the workflow itself causes.

use super::execute::DeliveryReport;
use super::{OrderWorkflow, TARGET};
use crate::sender::AccountSender;
use crate::{blocking, now_ms};
use goofish_protocol::mtop::{self, MtopRequest};
use std::sync::Arc;
use xianyu_domain::delivery::{DeliveryOutcome, OrderObservation};
use xianyu_domain::orders::OrderSignal;

impl OrderWorkflow {
    /// Calls `req` until it succeeds or the attempts are used up, backing off politely.
    pub(crate) async fn call_with_retries(
        &self,
        sender: &AccountSender,
        req: &MtopRequest,
    ) -> std::result::Result<(), String> {
        let mut pause = self.config.confirm_backoff;
        let mut last = String::new();
        for attempt in 1..=self.config.confirm_attempts.max(1) {
            match sender.mtop(req).await {
                Ok(_) => return Ok(()),
                Err(e) => last = e.to_string(),
            }
            if attempt < self.config.confirm_attempts {
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
            }
        }
        Err(last)
    }

    /// Confirms shipment after a delivery (`consign.dummy`, spec §2.4.4).
    pub(crate) async fn confirm(
        &self,
        sender: &AccountSender,
        order_id: &str,
        delivered: DeliveryReport,
    ) -> DeliveryReport {
        let account = sender.account();
        let result = self
            .call_with_retries(sender, &mtop::consign_dummy(order_id))
            .await;
        let (book, id) = (self.book.clone(), order_id.to_owned());
        let (ok, msg) = match &result {
            Ok(()) => (true, "shipment confirmed".to_owned()),
            Err(e) => (false, format!("shipment confirmation failed: {e}")),
        };
        let msg2 = msg.clone();
        if let Err(e) = blocking(move || book.record_confirmation(account, &id, ok, &msg2)).await {
            log::warn!(target: TARGET, account = account.0; "order {order_id}: recording confirmation: {e}");
        }
        if ok {
            log::info!(target: TARGET, account = account.0; "order {order_id}: shipment confirmed");
            self.observe(sender, order_id, OrderSignal::Shipped).await;
            delivered
        } else {
            let report = DeliveryReport::new(
                DeliveryOutcome::ConfirmFailed,
                format!("{}; {msg}", delivered.message),
                delivered.sent,
            );
            self.outcome(sender, order_id, report).await
        }
    }

    /// Records a signal the workflow itself caused (our confirmation, a successful 刀成).
    pub(crate) async fn observe(
        &self,
        sender: &AccountSender,
        order_id: &str,
        signal: OrderSignal,
    ) {
        let account = sender.account();
        let observation = OrderObservation {
            account,
            order_id: order_id.to_owned(),
            signal,
            at_ms: now_ms(),
            cid: None,
            item_id: None,
            buyer_id: None,
            buyer_name: None,
        };
        let book = self.book.clone();
        match blocking(move || book.observe_order(&observation)).await {
            Ok(o) if o.refused.is_none() => sender.publish(crate::RunnerEvent::OrderUpdated {
                account,
                order_id: order_id.to_owned(),
                state: o.order.order.state.as_str().to_owned(),
                bargain: o.order.order.bargain,
            }),
            Ok(_) => {}
            Err(e) => log::warn!(target: TARGET, account = account.0; "order {order_id}: {e}"),
        }
    }

    /// The bargain (小刀) flow: wait, call free-shipping, then deliver (spec §2.4.5, §3.8.11).
    pub(crate) async fn bargain(self: Arc<Self>, sender: AccountSender, order_id: String) {
        tokio::time::sleep(self.config.bargain_delay).await;
        let account = sender.account();
        let order = match self.input(account, &order_id).await {
            Ok(Some(input)) => input.order,
            Ok(None) => return,
            Err(e) => {
                log::warn!(target: TARGET, account = account.0; "order {order_id}: {e}");
                return;
            }
        };
        if order.item_id.is_none() || order.buyer_id.is_none() {
            self.fill_detail(&sender, &order_id).await;
        }
        let order = match self.input(account, &order_id).await {
            Ok(Some(input)) => input.order,
            _ => order,
        };
        let (Some(item), Some(buyer)) = (order.item_id.clone(), order.buyer_id.clone()) else {
            log::warn!(target: TARGET, account = account.0; "order {order_id}: bargain without item or buyer: free shipping not requested");
            return;
        };
        let req = mtop::free_shipping(&order_id, &item, &buyer);
        match self.call_with_retries(&sender, &req).await {
            Ok(()) => {
                log::info!(target: TARGET, account = account.0; "order {order_id}: free shipping accepted");
                self.observe(&sender, &order_id, OrderSignal::Paid).await;
                self.deliver(sender, order_id).await;
            }
            Err(e) => {
                let report = DeliveryReport::new(
                    DeliveryOutcome::FreeShippingFailed,
                    format!("free shipping for the bargain failed: {e}"),
                    0,
                );
                self.outcome(&sender, &order_id, report).await;
            }
        }
    }
}
