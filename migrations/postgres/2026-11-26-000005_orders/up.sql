-- Items, orders and automatic delivery: the items of each account (synced or learned from
-- chats), the cards (卡券) and delivery rules of each user, stock lines, orders with their
-- history and events, and one delivery row per (account, order, unit): the row's unique key
-- is what makes delivery exactly-once.
CREATE TABLE items (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    price_fen BIGINT,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    pic_url TEXT,
    multi_spec BOOLEAN NOT NULL DEFAULT FALSE,
    multi_quantity_delivery BOOLEAN NOT NULL DEFAULT FALSE,
    source TEXT NOT NULL,
    detail TEXT,
    synced_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (account_id, item_id)
);

CREATE TABLE cards (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    body_enc BYTEA NOT NULL,
    message_template TEXT,
    delay_secs INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cards_user ON cards (user_id, id);

CREATE TABLE delivery_rules (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    match_kind TEXT NOT NULL,
    match_value TEXT NOT NULL,
    spec_name TEXT,
    spec_value TEXT,
    card_id BIGINT NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    units_per_order INTEGER NOT NULL DEFAULT 1,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    remark TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX delivery_rules_user ON delivery_rules (user_id, id);

CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    order_id TEXT NOT NULL,
    cid TEXT,
    item_id TEXT,
    buyer_id TEXT,
    buyer_name TEXT,
    state TEXT NOT NULL,
    bargain BOOLEAN NOT NULL DEFAULT FALSE,
    spec_name TEXT,
    spec_value TEXT,
    quantity INTEGER NOT NULL DEFAULT 1,
    amount_fen BIGINT,
    detail_fetched BOOLEAN NOT NULL DEFAULT FALSE,
    history TEXT NOT NULL DEFAULT '[]',
    delivery_outcome TEXT,
    delivery_message TEXT,
    confirm_state TEXT NOT NULL DEFAULT 'none',
    paid_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (account_id, order_id)
);
CREATE INDEX orders_account_created ON orders (account_id, created_at);
CREATE INDEX orders_account_cid ON orders (account_id, cid, id);

CREATE TABLE order_events (
    id BIGSERIAL PRIMARY KEY,
    order_row_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_row_id, id);

CREATE TABLE deliveries (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    order_row_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    order_id TEXT NOT NULL,
    unit INTEGER NOT NULL,
    rule_id BIGINT,
    card_id BIGINT,
    state TEXT NOT NULL,
    content TEXT,
    message_id TEXT,
    error TEXT,
    sends INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (account_id, order_id, unit)
);
CREATE INDEX deliveries_account_state ON deliveries (account_id, state, id);
CREATE INDEX deliveries_order ON deliveries (order_row_id, unit);

CREATE TABLE card_stock (
    id BIGSERIAL PRIMARY KEY,
    card_id BIGINT NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
    line TEXT NOT NULL,
    delivery_id BIGINT REFERENCES deliveries (id) ON DELETE SET NULL,
    consumed BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX card_stock_free ON card_stock (card_id, consumed, id);
