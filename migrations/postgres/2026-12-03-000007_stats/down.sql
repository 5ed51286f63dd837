DROP INDEX chat_messages_account_direction_peer;
DROP INDEX order_events_kind_at;
DROP INDEX orders_account_paid;
