//! Redaction at the source: every record passes through [`redact`] before any sink sees it.
//! One regular expression with one alternative per secret shape, in one pass; a message with
//! nothing secret is returned borrowed.

use regex::{Captures, Regex};
use std::borrow::Cow;
use std::sync::LazyLock;

/// What replaces a secret.
const HIDDEN: &str = "[redacted]";

/// Cookies whose value alone lets someone act as the seller.
const SECRET_COOKIES: &str = "unb|munb|cookie2|_m_h5_tk|_m_h5_tk_enc|sgcookie|x5sec|_tb_token_|havana_lgc2_77|csg|tracknick|_nk_|lgc|sn|uc1|uc3|uc4|isg|tfstk";

static SECRETS: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives = [
        // `Cookie: …` / `Set-Cookie: …` headers: the whole rest of the line
        r"(?P<header>(?i:\b(?:set-)?cookie)\s*[:=]\s*)[^\r\n]+",
        // `Authorization: Bearer …`, `authorization=…`
        r#"(?P<auth>(?i:\bauthorization)\s*[:=]\s*(?:(?i:bearer|basic|token)\s+)?)[^\s,;"']+"#,
        // a bare bearer token
        r"(?P<bearer>(?i:\bbearer)\s+)[A-Za-z0-9\-._~+/]+=*",
        // JWT-shaped strings (header.payload.signature, base64url)
        r"(?P<jwt>eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)",
        // a cookie string: two or more `name=value` pairs separated by `;`
        r"(?P<jar>(?:[A-Za-z0-9_.\-]+=[^;\s]*;\s*)+[A-Za-z0-9_.\-]+=[^;\s]*)",
        // one secret cookie on its own
        &format!(r#"(?P<cookie>\b(?:{SECRET_COOKIES})=)[^;&\s"']+"#),
        // keys, tokens and signatures in URL queries
        r#"(?P<query>[?&](?i:key|api_key|apikey|access_token|token|secret|sign|signature|password|sendkey|access_key)=)[^&\s#"']+"#,
        // Telegram bot tokens in API URLs
        r"(?P<bot>\bbot)\d{5,}:[A-Za-z0-9_-]{20,}",
        // OpenAI-style API keys
        r"(?P<sk>\bsk-)[A-Za-z0-9_-]{16,}",
        // `password=…`, `"secret": "…"` and alike in text or JSON
        r#"(?P<field>"?(?i:password|passwd|secret|api_key|apikey|app_secret|client_secret|smtp_password)"?\s*[:=]\s*"?)[^"\s,&;}]+"#,
    ];
    #[allow(clippy::expect_used)]
    Regex::new(&alternatives.join("|")).expect("the redaction patterns compile")
});

static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"([A-Za-z0-9_.\-]+=)[^;\s]*").expect("the cookie pair pattern compiles")
});

/// `text` with every secret replaced by `[redacted]` (names of cookies, headers and fields are
/// kept, so a record still says what was there).
pub fn redact(text: &str) -> Cow<'_, str> {
    if !may_hold_secret(text) {
        return Cow::Borrowed(text);
    }
    SECRETS.replace_all(text, |c: &Captures<'_>| {
        if c.name("jwt").is_some() {
            return "[jwt]".to_owned();
        }
        if let Some(jar) = c.name("jar") {
            return PAIR
                .replace_all(jar.as_str(), format!("${{1}}{HIDDEN}"))
                .into_owned();
        }
        let keep = [
            "header", "auth", "bearer", "cookie", "query", "bot", "sk", "field",
        ]
        .iter()
        .find_map(|n| c.name(n))
        .map_or("", |m| m.as_str());
        format!("{keep}{HIDDEN}")
    })
}

/// A cheap first look: every secret shape above needs a `=` or `:`, a bearer word, a JWT's
/// `eyJ` or an `sk-` key; most records have none of them and skip the expression.
fn may_hold_secret(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().any(|&c| c == b'=' || c == b':')
        || text.contains("eyJ")
        || text.contains("sk-")
        || b.windows(6).any(|w| w.eq_ignore_ascii_case(b"bearer"))
}

#[cfg(test)]
mod tests {
    use super::redact;

    fn hides(input: &str, secret: &str) -> String {
        let out = redact(input).into_owned();
        assert!(!out.contains(secret), "{secret:?} survived in {out:?}");
        assert!(
            out.contains("[redacted]") || out.contains("[jwt]"),
            "{out:?}"
        );
        out
    }

    #[test]
    fn cookie_headers() {
        let out = hides("sending Cookie: foo=bar1234; other=zzz9876", "bar1234");
        assert!(!out.contains("zzz9876"));
        hides("set-cookie=x5sec=abcdef123; Path=/", "abcdef123");
    }

    #[test]
    fn cookie_strings_keep_names() {
        let out = hides(
            "jar unb=2219000000002; cookie2=1f2e3d4c; _m_h5_tk=abc_1700000000000",
            "1f2e3d4c",
        );
        assert!(!out.contains("2219000000002") && !out.contains("abc_1700"));
        assert!(
            out.contains("unb=[redacted]") && out.contains("cookie2=[redacted]"),
            "{out}"
        );
    }

    #[test]
    fn single_secret_cookies() {
        hides(
            "token cookie _m_h5_tk=0123456789abcdef_1700 rotated",
            "0123456789abcdef",
        );
        hides("cookie2=deadbeef", "deadbeef");
        hides("account unb=2219000000009 online", "2219000000009");
        hides("_m_h5_tk_enc=cafebabe", "cafebabe");
    }

    #[test]
    fn authorization_and_bearer() {
        hides("Authorization: Bearer abc.def-ghi", "abc.def-ghi");
        hides("authorization=Basic dXNlcjpwYXNz", "dXNlcjpwYXNz");
        hides("retrying with bearer sEcReTtOkEn42", "sEcReTtOkEn42");
    }

    #[test]
    fn jwt_shaped_strings() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let out = hides(&format!("session {jwt} revoked"), "c2lnbmF0dXJl");
        assert_eq!(out, "session [jwt] revoked");
    }

    #[test]
    fn api_keys_in_urls() {
        hides(
            "GET https://sctapi.example/send?sendkey=SCT123abc&title=x",
            "SCT123abc",
        );
        hides(
            "https://oapi.dingtalk.com/robot/send?access_token=0a1b2c3d",
            "0a1b2c3d",
        );
        hides("https://api.example/v1?key=AIzaSyXYZ&x=1", "AIzaSyXYZ");
        hides(
            "https://api.telegram.org/bot123456789:AAHk-abcdefghijklmnopqrstu/sendMessage",
            "AAHk-abcdefghijklmnopqrstu",
        );
        hides(
            "model call with sk-proj-abcdefghijklmnop1234 failed",
            "abcdefghijklmnop1234",
        );
    }

    #[test]
    fn passwords_in_text_and_json() {
        hides(r#"body {"username":"a","password":"hunter22"}"#, "hunter22");
        hides("smtp_password=mail-pass-1 rejected", "mail-pass-1");
    }

    #[test]
    fn harmless_text_is_borrowed_and_unchanged() {
        let text = "account 3: connecting -> online, 2 messages in 15 ms (消息)";
        assert!(matches!(redact(text), std::borrow::Cow::Borrowed(_)));
        assert_eq!(
            redact("GET /api/v1/accounts 200 1.20ms"),
            "GET /api/v1/accounts 200 1.20ms"
        );
    }
}
