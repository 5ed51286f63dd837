-- Account runner: live connection details, message dedupe, chat history and takeover pauses.
ALTER TABLE accounts ADD COLUMN last_error TEXT;
ALTER TABLE accounts ADD COLUMN last_frame_at BIGINT;
ALTER TABLE accounts ADD COLUMN next_retry_at BIGINT;
ALTER TABLE accounts ADD COLUMN captcha_url TEXT;

CREATE TABLE seen_messages (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, message_id)
);

CREATE TABLE chat_messages (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cid TEXT NOT NULL,
    message_id TEXT,
    peer_id TEXT,
    direction TEXT NOT NULL,
    text TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX chat_messages_account_cid ON chat_messages (account_id, cid, id);

CREATE TABLE chat_pauses (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cid TEXT NOT NULL,
    paused_until BIGINT NOT NULL,
    PRIMARY KEY (account_id, cid)
);

CREATE TABLE conversations (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cid TEXT NOT NULL,
    buyer_id TEXT,
    buyer_name TEXT,
    item_id TEXT,
    last_text TEXT NOT NULL,
    last_direction TEXT NOT NULL,
    last_at BIGINT NOT NULL,
    unread INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, cid)
);
CREATE INDEX conversations_account_last ON conversations (account_id, last_at, id);
