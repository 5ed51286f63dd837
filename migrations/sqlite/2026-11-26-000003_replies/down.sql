DROP TABLE auto_replies;
DROP TABLE reply_once;
DROP TABLE reply_settings;
DROP TABLE reply_rules;
