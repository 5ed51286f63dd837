//! The diesel schema, written by hand for both backends (ids are 64-bit everywhere).

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        enabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        user_id -> BigInt,
        xianyu_user_id -> Text,
        remark -> Text,
        enabled -> Bool,
        auto_confirm -> Bool,
        pause_minutes -> Integer,
        status -> Text,
        cookie_enc -> Binary,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(accounts -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions, accounts, settings);
