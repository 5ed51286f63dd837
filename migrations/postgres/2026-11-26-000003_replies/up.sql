-- Automatic replies: rules (keyword, item-specific, default) stored as JSON bodies, per-account
-- settings (blacklist, quiet hours, minimum interval), once-per-conversation memory and the log
-- of automatic replies with the explanation of each decision.
CREATE TABLE reply_rules (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    item_id TEXT,
    priority INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reply_rules_account_kind ON reply_rules (account_id, kind, id);

CREATE TABLE reply_settings (
    account_id BIGINT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);

CREATE TABLE reply_once (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cid TEXT NOT NULL,
    rule_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, cid, rule_id)
);

CREATE TABLE auto_replies (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cid TEXT NOT NULL,
    buyer_id TEXT NOT NULL,
    message_id TEXT,
    reply_text TEXT NOT NULL,
    decision TEXT NOT NULL,
    verdict TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX auto_replies_account_buyer ON auto_replies (account_id, buyer_id, at);
CREATE INDEX auto_replies_account_cid ON auto_replies (account_id, cid, id);
