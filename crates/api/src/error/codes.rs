//! The one table of error codes: every code the API answers with (or reports per row of an
//! import), its HTTP status and a one-line meaning. `docs/API.md` is checked against it and
//! `GET /api/v1/error-codes` serves it, so the dashboard can translate every code.

use actix_web::http::StatusCode;

/// Declares [`ErrorCode`] from `Variant = (STATUS or REPORT, "code", "meaning")` rows.
macro_rules! error_codes {
    ($( $variant:ident = ($status:ident, $code:literal, $meaning:literal), )*) => {
        /// A stable, machine-readable error code (the `code` of the error envelope).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( #[doc = $meaning] $variant, )*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The snake_case code.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)* }
            }

            /// The HTTP status answered with this code; `None` for codes that only appear in
            /// the per-row report of an import (the request itself succeeds).
            pub fn status(self) -> Option<StatusCode> {
                match self { $(Self::$variant => status!($status),)* }
            }

            /// What the code means, in one English line.
            pub fn meaning(self) -> &'static str {
                match self { $(Self::$variant => $meaning,)* }
            }
        }
    };
}

macro_rules! status {
    (REPORT) => {
        None
    };
    ($s:ident) => {
        Some(StatusCode::$s)
    };
}

error_codes! {
    // Requests in general.
    InvalidJson = (BAD_REQUEST, "invalid_json", "The body is not JSON."),
    InvalidRequest = (BAD_REQUEST, "invalid_request", "Wrong types, missing or unknown fields in the body."),
    InvalidPath = (BAD_REQUEST, "invalid_path", "A malformed id or other path parameter."),
    InvalidQuery = (BAD_REQUEST, "invalid_query", "A malformed query string."),
    InvalidCursor = (BAD_REQUEST, "invalid_cursor", "The pagination cursor is not one this server gave out."),
    BadRequest = (BAD_REQUEST, "bad_request", "The request could not be read."),
    NotFound = (NOT_FOUND, "not_found", "No such route or resource."),
    MethodNotAllowed = (METHOD_NOT_ALLOWED, "method_not_allowed", "The route does not accept this method."),
    Conflict = (CONFLICT, "conflict", "The resource already exists."),
    LogFileNotFound = (NOT_FOUND, "log_file_not_found", "No log file for that day (none was written, or it is past the retention)."),
    PayloadTooLarge = (PAYLOAD_TOO_LARGE, "payload_too_large", "The body is larger than the route accepts (64 KB for JSON, 2 MB for imports and stock lines)."),
    UnsupportedMediaType = (UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "The body has a content type the route does not accept."),
    RateLimited = (TOO_MANY_REQUESTS, "rate_limited", "Too many failed logins (5 per username, 20 per address, in 15 minutes); retry after `retry_after` seconds."),
    DatabaseUnavailable = (SERVICE_UNAVAILABLE, "database_unavailable", "The database does not answer."),
    InternalError = (INTERNAL_SERVER_ERROR, "internal_error", "A bug; the details are only in the server log."),
    // Authentication and users.
    MissingToken = (UNAUTHORIZED, "missing_token", "No bearer token was sent."),
    InvalidToken = (UNAUTHORIZED, "invalid_token", "The token is malformed or its signature is wrong."),
    TokenExpired = (UNAUTHORIZED, "token_expired", "The token has expired; log in again."),
    SessionRevoked = (UNAUTHORIZED, "session_revoked", "The session ended (logout, password change, user disabled)."),
    InvalidCredentials = (UNAUTHORIZED, "invalid_credentials", "Wrong username or password (never says which)."),
    Forbidden = (FORBIDDEN, "forbidden", "The route needs the admin role."),
    WrongPassword = (FORBIDDEN, "wrong_password", "The current password given is wrong."),
    RegistrationClosed = (FORBIDDEN, "registration_closed", "Self-registration is switched off."),
    SamePassword = (BAD_REQUEST, "same_password", "The new password must differ from the current one."),
    InvalidUsername = (BAD_REQUEST, "invalid_username", "Usernames are 3-32 letters, digits, '_', '.' or '-'."),
    WeakPassword = (BAD_REQUEST, "weak_password", "Passwords are 8-128 characters."),
    InvalidRole = (BAD_REQUEST, "invalid_role", "The role is neither admin nor user."),
    UserNotFound = (NOT_FOUND, "user_not_found", "No such user."),
    UsernameTaken = (CONFLICT, "username_taken", "Another user has this name."),
    LastAdmin = (CONFLICT, "last_admin", "The last enabled admin cannot be demoted or disabled."),
    CannotDeleteSelf = (CONFLICT, "cannot_delete_self", "Admins cannot delete themselves."),
    // Accounts and the live connection.
    InvalidCookie = (BAD_REQUEST, "invalid_cookie", "The cookie string has no numeric unb, or is longer than 16 KB."),
    InvalidXianyuUserId = (BAD_REQUEST, "invalid_xianyu_user_id", "A Xianyu user id is 1-20 digits."),
    InvalidPauseMinutes = (BAD_REQUEST, "invalid_pause_minutes", "Pause minutes are 0-1440."),
    RemarkTooLong = (BAD_REQUEST, "remark_too_long", "The remark is too long."),
    CookieAccountMismatch = (UNPROCESSABLE_ENTITY, "cookie_account_mismatch", "The replacement cookie belongs to another Xianyu user."),
    AccountNotFound = (NOT_FOUND, "account_not_found", "No such account, or another user's."),
    AccountExists = (CONFLICT, "account_exists", "This Xianyu account is already added."),
    AccountNotRunning = (CONFLICT, "account_not_running", "The account has no live session (disabled, or not connected)."),
    AccountOffline = (CONFLICT, "account_offline", "The account has no live connection right now."),
    GoofishError = (BAD_GATEWAY, "goofish_error", "Goofish answered with an error; the message carries the runner's code."),
    // Conversations and sending.
    ConversationNotFound = (NOT_FOUND, "conversation_not_found", "No such conversation, or one of another user's accounts."),
    InvalidMessage = (BAD_REQUEST, "invalid_message", "Send exactly one of text, image_url or upload_id, and no empty text."),
    BuyerUnknown = (CONFLICT, "buyer_unknown", "The conversation's buyer is not known yet."),
    MessageRejected = (UNPROCESSABLE_ENTITY, "message_rejected", "Goofish refused the message (e.g. its content filter); the message says why."),
    SendFailed = (BAD_GATEWAY, "send_failed", "The live connection failed while sending."),
    // Uploads.
    UnsupportedImage = (BAD_REQUEST, "unsupported_image", "Not a JPEG, PNG, GIF or WebP image by content, or undecodable."),
    ImageDimensions = (BAD_REQUEST, "image_dimensions", "The image is empty or wider or taller than 8000 px."),
    InvalidUpload = (BAD_REQUEST, "invalid_upload", "Not multipart/form-data, or not exactly one part named file."),
    ImageTooLarge = (PAYLOAD_TOO_LARGE, "image_too_large", "The image is larger than 5 MB."),
    UploadNotFound = (NOT_FOUND, "upload_not_found", "No such upload, or another user's."),
    UploadLoginPage = (BAD_GATEWAY, "upload_login_page", "The Goofish image upload answered the login page: the cookie is no longer valid."),
    UploadFailed = (BAD_GATEWAY, "upload_failed", "The Goofish image upload failed."),
    // Reply rules and settings.
    UnknownPlaceholder = (BAD_REQUEST, "unknown_placeholder", "The template uses a placeholder that does not exist."),
    UnbalancedBrace = (BAD_REQUEST, "unbalanced_brace", "The template has a '{' or '}' without its partner."),
    NoKeywords = (BAD_REQUEST, "no_keywords", "A keyword rule needs at least one keyword."),
    TooManyKeywords = (BAD_REQUEST, "too_many_keywords", "A keyword rule holds too many keywords."),
    EmptyKeyword = (BAD_REQUEST, "empty_keyword", "A keyword is empty."),
    KeywordNotTrimmed = (BAD_REQUEST, "keyword_not_trimmed", "A keyword starts or ends with white space."),
    KeywordTooLong = (BAD_REQUEST, "keyword_too_long", "A keyword is too long."),
    InvalidRegex = (BAD_REQUEST, "invalid_regex", "A regex keyword does not compile."),
    RegexTooLarge = (BAD_REQUEST, "regex_too_large", "A regex keyword compiles to too large a program."),
    EmptyItemId = (BAD_REQUEST, "empty_item_id", "The item id is empty."),
    EmptyImageRef = (BAD_REQUEST, "empty_image_ref", "An image reply names no image."),
    InvalidReply = (BAD_REQUEST, "invalid_reply", "The reply is not a text, an image or silence as the rule kind allows."),
    InvalidQuietHours = (BAD_REQUEST, "invalid_quiet_hours", "Quiet hours must start and end at different times."),
    InvalidBuyerId = (BAD_REQUEST, "invalid_buyer_id", "A buyer id is 1-32 digits."),
    DuplicateItemReply = (CONFLICT, "duplicate_item_reply", "The item already has an item-specific reply."),
    DuplicateDefaultReply = (CONFLICT, "duplicate_default_reply", "There is already a default reply at this level (the item, or the account)."),
    RuleSetTooLarge = (CONFLICT, "rule_set_too_large", "Too many keywords for one account."),
    RuleNotFound = (NOT_FOUND, "rule_not_found", "No such rule, or a rule of another account."),
    BlacklistEntryNotFound = (NOT_FOUND, "blacklist_entry_not_found", "The buyer is not on the blacklist."),
    // Keyword import (Excel).
    InvalidXlsx = (BAD_REQUEST, "invalid_xlsx", "The body is not a readable .xlsx workbook."),
    MissingColumn = (BAD_REQUEST, "missing_column", "The sheet has no 关键词 (keyword) header."),
    TooManyRows = (BAD_REQUEST, "too_many_rows", "The sheet has more than 5,000 data rows."),
    InvalidMatchMode = (REPORT, "invalid_match_mode", "Import row: the match mode is not one of contains, exact or regex."),
    InvalidReplyType = (REPORT, "invalid_reply_type", "Import row: the reply type is not one of text, image or silent."),
    InvalidPriority = (REPORT, "invalid_priority", "Import row: the priority is not a whole number."),
    InvalidCell = (REPORT, "invalid_cell", "Import row: a cell cannot be read."),
    DuplicateRule = (REPORT, "duplicate_rule", "Import row: the same keywords and item appear in an earlier row."),
    // Items, cards, stock and delivery rules.
    ItemNotFound = (NOT_FOUND, "item_not_found", "No such item of the account."),
    DescriptionTooLong = (BAD_REQUEST, "description_too_long", "The local description is longer than 10,000 characters."),
    InvalidCardName = (BAD_REQUEST, "invalid_card_name", "A card name is 1-64 characters."),
    InvalidCardText = (BAD_REQUEST, "invalid_card_text", "The card's text must be 1-4000 characters."),
    InvalidDelay = (BAD_REQUEST, "invalid_delay", "The delay is outside 0-3600 seconds."),
    InvalidUrl = (BAD_REQUEST, "invalid_url", "The URL must be an absolute http:// or https:// URL without spaces."),
    InvalidTimeout = (BAD_REQUEST, "invalid_timeout", "The timeout is outside 1-60 seconds."),
    InvalidRetries = (BAD_REQUEST, "invalid_retries", "The retry count is outside 0-5."),
    InvalidHeader = (BAD_REQUEST, "invalid_header", "A header name or value is invalid, or *** names no stored header."),
    BodyWithGet = (BAD_REQUEST, "body_with_get", "A GET request cannot have a body."),
    ContentInBody = (BAD_REQUEST, "content_in_body", "The request body may not contain {content}."),
    MessageWithoutContent = (BAD_REQUEST, "message_without_content", "The message template must contain {content}."),
    InvalidJsonPath = (BAD_REQUEST, "invalid_json_path", "The JSON path is not valid."),
    InvalidImageRef = (BAD_REQUEST, "invalid_image_ref", "An image card needs an image (an upload id or a Goofish CDN URL)."),
    InvalidUnitsPerOrder = (BAD_REQUEST, "invalid_units_per_order", "Units per order are 1-100."),
    InvalidItemMatch = (BAD_REQUEST, "invalid_item_match", "The item id or keyword is blank or longer than 200 characters."),
    InvalidSpec = (BAD_REQUEST, "invalid_spec", "A spec needs a non-blank name and value."),
    NoStockLines = (BAD_REQUEST, "no_stock_lines", "No non-blank stock line was sent."),
    TooManyStockLines = (BAD_REQUEST, "too_many_stock_lines", "More than 10,000 stock lines in one call."),
    StockLineTooLong = (BAD_REQUEST, "stock_line_too_long", "A stock line is longer than 4,000 characters."),
    CardNotFound = (NOT_FOUND, "card_not_found", "No such card, or another user's."),
    DeliveryRuleNotFound = (NOT_FOUND, "delivery_rule_not_found", "No such delivery rule, or another user's."),
    StockLineNotFound = (NOT_FOUND, "stock_line_not_found", "No such stock line of the card."),
    StockLineConsumed = (CONFLICT, "stock_line_consumed", "A delivery already took this stock line."),
    NotAStockCard = (CONFLICT, "not_a_stock_card", "Only stock cards have stock lines."),
    CardInUse = (CONFLICT, "card_in_use", "Delivery rules still use this card."),
    // Orders and deliveries.
    OrderNotFound = (NOT_FOUND, "order_not_found", "No such order, or one of another user's accounts."),
    InvalidStateFilter = (BAD_REQUEST, "invalid_state_filter", "The state filter is not an order or delivery state."),
    InvalidDate = (BAD_REQUEST, "invalid_date", "Dates are YYYY-MM-DD (Asia/Shanghai), with from not after to."),
    InvalidDays = (BAD_REQUEST, "invalid_days", "days is outside 1-366."),
    DeliveryInProgress = (CONFLICT, "delivery_in_progress", "The order is being delivered right now; try again when that ends."),
    // Verifications, captcha sessions and QR logins.
    VerificationNotFound = (NOT_FOUND, "verification_not_found", "No such verification task, or one of another user."),
    VerificationNotOpen = (CONFLICT, "verification_not_open", "The task is closed, or of a kind a browser session cannot solve (session_expired)."),
    CaptchaUnavailable = (SERVICE_UNAVAILABLE, "captcha_unavailable", "Remote solving is unavailable here: `reason` is chromedriver_not_found or chromium_failed_to_start (see GET /api/v1/captcha/status)."),
    CaptchaSessionsExhausted = (TOO_MANY_REQUESTS, "captcha_sessions_exhausted", "As many captcha sessions as XIANYU_CAPTCHA_MAX_SESSIONS allows are running; close one or wait."),
    CaptchaSessionNotFound = (NOT_FOUND, "captcha_session_not_found", "No such captcha session (it ended, or it is another user's)."),
    InvalidPointer = (BAD_REQUEST, "invalid_pointer", "A remote-control message that is not {type:pointer, action: down|move|up, x, y in 0..1} or ping."),
    QrLoginNotFound = (NOT_FOUND, "qr_login_not_found", "No such QR login (it ended more than 10 minutes ago, or it is another user's)."),
    QrLoginFailed = (BAD_GATEWAY, "qr_login_failed", "Goofish's passport did not give a QR code; the message says why."),
}

impl ErrorCode {
    /// The code named `code`, if it is in the table.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    /// The table as Markdown rows (`| status | code | meaning |`), what `docs/API.md` holds
    /// between its `error-codes` markers.
    pub fn markdown_table() -> String {
        let mut out = String::from("| status | code | meaning |\n|---|---|---|\n");
        for c in Self::ALL {
            let status = c
                .status()
                .map_or_else(|| "200 (per row)".to_owned(), |s| s.as_u16().to_string());
            out.push_str(&format!(
                "| {status} | `{}` | {} |\n",
                c.as_str(),
                c.meaning()
            ));
        }
        out
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
