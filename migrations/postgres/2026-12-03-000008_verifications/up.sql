-- The verification inbox: one row per situation in which a person is needed (a slider
-- captcha, a face verification, an expired session, a QR confirmation), owned by a user and,
-- when there is one yet, about an account. State: open, in_progress, solved, expired,
-- dismissed. Automatic attempts are counted here so their cool-down survives restarts.
CREATE TABLE verifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    url TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    resolved_at BIGINT,
    auto_attempts INTEGER NOT NULL DEFAULT 0,
    last_auto_at BIGINT,
    last_outcome TEXT
);
CREATE INDEX verifications_user ON verifications (user_id, state, created_at);
CREATE INDEX verifications_account ON verifications (account_id, state);
