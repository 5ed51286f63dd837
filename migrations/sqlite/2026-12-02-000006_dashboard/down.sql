ALTER TABLE auto_replies DROP COLUMN reply_message_id;
DROP INDEX auto_replies_account_at;
DROP INDEX chat_messages_account_at;
ALTER TABLE users DROP COLUMN must_change_password;
