-- Statistics per day (GET /api/v1/stats): paid orders and delivery outcomes by time, and each
-- buyer's first message, read by range instead of scanning.
CREATE INDEX orders_account_paid ON orders (account_id, paid_at);
CREATE INDEX order_events_kind_at ON order_events (kind, at);
CREATE INDEX chat_messages_account_direction_peer ON chat_messages (account_id, direction, peer_id, at);
