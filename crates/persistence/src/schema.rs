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
        must_change_password -> Bool,
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
        last_error -> Nullable<Text>,
        last_frame_at -> Nullable<BigInt>,
        next_retry_at -> Nullable<BigInt>,
        captcha_url -> Nullable<Text>,
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

diesel::table! {
    seen_messages (account_id, message_id) {
        account_id -> BigInt,
        message_id -> Text,
        seen_at -> BigInt,
    }
}

diesel::table! {
    chat_messages (id) {
        id -> BigInt,
        account_id -> BigInt,
        cid -> Text,
        message_id -> Nullable<Text>,
        peer_id -> Nullable<Text>,
        direction -> Text,
        text -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    chat_pauses (account_id, cid) {
        account_id -> BigInt,
        cid -> Text,
        paused_until -> BigInt,
    }
}

diesel::joinable!(seen_messages -> accounts (account_id));
diesel::joinable!(chat_messages -> accounts (account_id));
diesel::joinable!(chat_pauses -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, seen_messages, chat_messages, chat_pauses);

diesel::table! {
    conversations (id) {
        id -> BigInt,
        account_id -> BigInt,
        cid -> Text,
        buyer_id -> Nullable<Text>,
        buyer_name -> Nullable<Text>,
        item_id -> Nullable<Text>,
        last_text -> Text,
        last_direction -> Text,
        last_at -> BigInt,
        unread -> Integer,
    }
}

diesel::joinable!(conversations -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, conversations);
diesel::allow_tables_to_appear_in_same_query!(conversations, chat_pauses);

diesel::table! {
    reply_rules (id) {
        id -> BigInt,
        account_id -> BigInt,
        kind -> Text,
        item_id -> Nullable<Text>,
        priority -> Integer,
        body -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    reply_settings (account_id) {
        account_id -> BigInt,
        body -> Text,
    }
}

diesel::table! {
    reply_once (account_id, cid, rule_id) {
        account_id -> BigInt,
        cid -> Text,
        rule_id -> BigInt,
    }
}

diesel::table! {
    auto_replies (id) {
        id -> BigInt,
        account_id -> BigInt,
        cid -> Text,
        buyer_id -> Text,
        message_id -> Nullable<Text>,
        reply_text -> Text,
        decision -> Text,
        verdict -> Text,
        at -> BigInt,
        reply_message_id -> Nullable<Text>,
    }
}

diesel::table! {
    uploads (id) {
        id -> Text,
        user_id -> BigInt,
        file_name -> Text,
        width -> Integer,
        height -> Integer,
        bytes -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    upload_cdn (upload_id, account_id) {
        upload_id -> Text,
        account_id -> BigInt,
        cdn_url -> Text,
    }
}

diesel::joinable!(uploads -> users (user_id));
diesel::joinable!(upload_cdn -> uploads (upload_id));
diesel::joinable!(upload_cdn -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(uploads, upload_cdn);
diesel::allow_tables_to_appear_in_same_query!(accounts, auto_replies);

diesel::table! {
    items (id) {
        id -> BigInt,
        account_id -> BigInt,
        item_id -> Text,
        title -> Text,
        price_fen -> Nullable<BigInt>,
        description -> Text,
        status -> Text,
        pic_url -> Nullable<Text>,
        multi_spec -> Bool,
        multi_quantity_delivery -> Bool,
        source -> Text,
        detail -> Nullable<Text>,
        synced_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    cards (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        kind -> Text,
        body_enc -> Binary,
        message_template -> Nullable<Text>,
        delay_secs -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    delivery_rules (id) {
        id -> BigInt,
        user_id -> BigInt,
        match_kind -> Text,
        match_value -> Text,
        spec_name -> Nullable<Text>,
        spec_value -> Nullable<Text>,
        card_id -> BigInt,
        units_per_order -> Integer,
        enabled -> Bool,
        remark -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    orders (id) {
        id -> BigInt,
        account_id -> BigInt,
        order_id -> Text,
        cid -> Nullable<Text>,
        item_id -> Nullable<Text>,
        buyer_id -> Nullable<Text>,
        buyer_name -> Nullable<Text>,
        state -> Text,
        bargain -> Bool,
        spec_name -> Nullable<Text>,
        spec_value -> Nullable<Text>,
        quantity -> Integer,
        amount_fen -> Nullable<BigInt>,
        detail_fetched -> Bool,
        history -> Text,
        delivery_outcome -> Nullable<Text>,
        delivery_message -> Nullable<Text>,
        confirm_state -> Text,
        paid_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    order_events (id) {
        id -> BigInt,
        order_row_id -> BigInt,
        kind -> Text,
        code -> Text,
        message -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    deliveries (id) {
        id -> BigInt,
        account_id -> BigInt,
        order_row_id -> BigInt,
        order_id -> Text,
        unit -> Integer,
        rule_id -> Nullable<BigInt>,
        card_id -> Nullable<BigInt>,
        state -> Text,
        content -> Nullable<Text>,
        message_id -> Nullable<Text>,
        error -> Nullable<Text>,
        sends -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    card_stock (id) {
        id -> BigInt,
        card_id -> BigInt,
        line -> Text,
        delivery_id -> Nullable<BigInt>,
        consumed -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    verifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        account_id -> Nullable<BigInt>,
        kind -> Text,
        state -> Text,
        url -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        resolved_at -> Nullable<BigInt>,
        auto_attempts -> Integer,
        last_auto_at -> Nullable<BigInt>,
        last_outcome -> Nullable<Text>,
    }
}

diesel::joinable!(items -> accounts (account_id));
diesel::joinable!(cards -> users (user_id));
diesel::joinable!(delivery_rules -> cards (card_id));
diesel::joinable!(orders -> accounts (account_id));
diesel::joinable!(order_events -> orders (order_row_id));
diesel::joinable!(deliveries -> orders (order_row_id));
diesel::joinable!(card_stock -> cards (card_id));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    items,
    cards,
    delivery_rules,
    orders,
    order_events,
    deliveries,
    card_stock
);
