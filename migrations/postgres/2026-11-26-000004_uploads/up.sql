-- Uploaded reply images: one row per stored JPEG (`<data_dir>/uploads/<id>.jpg`, id = random
-- 128-bit hex), owned by a user; and the Goofish CDN URL of an upload per account (the CDN
-- upload uses that account's cookies), remembered after the first send.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX uploads_user ON uploads (user_id, created_at);

CREATE TABLE upload_cdn (
    upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cdn_url TEXT NOT NULL,
    PRIMARY KEY (upload_id, account_id)
);
