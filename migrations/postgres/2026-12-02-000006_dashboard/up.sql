-- Whether a user's password was set by someone else (the generated first admin password, an
-- admin's reset, a generated CLI password): the dashboard asks the user to choose their own.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- The overview counts today's messages and automatic replies of a user's accounts.
CREATE INDEX chat_messages_account_at ON chat_messages (account_id, at);
CREATE INDEX auto_replies_account_at ON auto_replies (account_id, at);

-- The sent message of an automatic reply (Goofish's id, when its answer carried one), so the
-- chat view can show each reply with the decision that produced it.
ALTER TABLE auto_replies ADD COLUMN reply_message_id TEXT;
