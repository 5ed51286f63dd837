DROP TABLE conversations;
DROP TABLE chat_pauses;
DROP TABLE chat_messages;
DROP TABLE seen_messages;
ALTER TABLE accounts DROP COLUMN captcha_url;
ALTER TABLE accounts DROP COLUMN next_retry_at;
ALTER TABLE accounts DROP COLUMN last_frame_at;
ALTER TABLE accounts DROP COLUMN last_error;
