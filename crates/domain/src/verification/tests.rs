use super::*;

fn task(
    id: i64,
    kind: VerificationKind,
    state: VerificationState,
    url: Option<&str>,
) -> Verification {
    Verification {
        id,
        user_id: UserId(1),
        account_id: Some(AccountId(7)),
        kind,
        state,
        url: url.map(str::to_owned),
        created_at: 0,
        updated_at: 0,
        resolved_at: None,
        auto_attempts: 0,
        last_auto_at: None,
        last_outcome: None,
    }
}

type Case<'a> = (
    &'a [Verification],
    AccountStatus,
    Option<&'a str>,
    Vec<InboxStep>,
);

#[test]
fn every_status_maps_to_its_step() {
    use AccountStatus as S;
    use VerificationKind as K;
    let open_captcha = [task(1, K::Captcha, VerificationState::Open, Some("u1"))];
    let cases: Vec<Case> = vec![
        (
            &[],
            S::CaptchaRequired,
            Some("u1"),
            vec![InboxStep::Open(K::Captcha, Some("u1".into()))],
        ),
        (
            &[],
            S::CaptchaRequired,
            None,
            vec![InboxStep::Open(K::Captcha, None)],
        ),
        (
            &[],
            S::SessionExpired,
            None,
            vec![InboxStep::Open(K::SessionExpired, None)],
        ),
        (&open_captcha, S::CaptchaRequired, Some("u1"), vec![]),
        (&open_captcha, S::CaptchaRequired, None, vec![]),
        (
            &open_captcha,
            S::CaptchaRequired,
            Some("u2"),
            vec![InboxStep::Refresh(1, Some("u2".into()))],
        ),
        (
            &open_captcha,
            S::SessionExpired,
            None,
            vec![InboxStep::Open(K::SessionExpired, None)],
        ),
        (&open_captcha, S::Online, None, vec![InboxStep::Solve(1)]),
        (&open_captcha, S::Connecting, None, vec![]),
        (&open_captcha, S::Backoff, None, vec![]),
        (&open_captcha, S::CookieInvalid, None, vec![]),
        (&[], S::Online, None, vec![]),
    ];
    for (active, status, url, want) in cases {
        assert_eq!(
            on_account_status(active, status, url),
            want,
            "{status:?} {url:?}"
        );
    }
}

#[test]
fn closed_tasks_are_neither_refreshed_nor_solved() {
    let done = [task(
        1,
        VerificationKind::Captcha,
        VerificationState::Dismissed,
        Some("u"),
    )];
    assert_eq!(
        on_account_status(&done, AccountStatus::Online, None),
        vec![]
    );
    assert_eq!(
        on_account_status(&done, AccountStatus::CaptchaRequired, Some("u")),
        vec![InboxStep::Open(VerificationKind::Captcha, Some("u".into()))]
    );
}

#[test]
fn cooldown_doubles_from_two_to_thirty_minutes() {
    let min = 60_000;
    let got: Vec<i64> = (0..8).map(|n| auto_cooldown_ms(n) / min).collect();
    assert_eq!(got, vec![2, 2, 4, 8, 16, 30, 30, 30]);
    assert_eq!(auto_cooldown_ms(i32::MAX), AUTO_COOLDOWN_MAX_MS);
}

#[test]
fn one_automatic_attempt_per_window() {
    assert!(auto_attempt_due(0, None, 0));
    let t0 = 1_000_000;
    assert!(!auto_attempt_due(1, Some(t0), t0 + 119_999));
    assert!(auto_attempt_due(1, Some(t0), t0 + 120_000));
    assert!(!auto_attempt_due(3, Some(t0), t0 + 479_999));
    assert!(auto_attempt_due(3, Some(t0), t0 + 480_000));
    // a clock that went backwards never allows a burst
    assert!(!auto_attempt_due(1, Some(t0), t0 - 5_000_000));
}

fn c(name: &str, value: &str) -> BrowserCookie {
    BrowserCookie {
        name: name.into(),
        value: value.into(),
        domain: "127.0.0.1".into(),
    }
}

#[test]
fn solved_means_a_new_or_changed_x5_cookie() {
    let before = vec![
        ("x5sec".to_string(), "old".to_string()),
        ("unb".into(), "1".into()),
    ];
    assert!(!x5_changed(&before, &[c("x5sec", "old"), c("unb", "2")]));
    assert!(x5_changed(&before, &[c("x5sec", "new")]));
    assert!(x5_changed(&before, &[c("x5sec", "old"), c("x5step", "2")]));
    assert!(!x5_changed(&[], &[c("cookie2", "x")]));
    assert!(x5_changed(&[], &[c("x5sec", "v")]));
}

#[test]
fn names_round_trip() {
    for k in VerificationKind::ALL {
        assert_eq!(VerificationKind::parse(k.as_str()), Some(k));
    }
    for s in VerificationState::ALL {
        assert_eq!(VerificationState::parse(s.as_str()), Some(s));
    }
    assert!(VerificationKind::Captcha.remote_solvable());
    assert!(!VerificationKind::SessionExpired.remote_solvable());
}

#[test]
fn cookie_values_stay_out_of_debug() {
    assert!(!format!("{:?}", c("x5sec", "secret-value")).contains("secret-value"));
}

#[test]
fn merged_cookies_prefer_the_domain_the_page_talks_to() {
    let on = |n: &str, v: &str, d: &str| BrowserCookie {
        name: n.into(),
        value: v.into(),
        domain: d.into(),
    };
    let got = cookies_to_merge(
        &[
            on("cna", "t", ".taobao.com"),
            on("cna", "g", ".goofish.com"),
            on("x5sec", "new", "h5api.m.goofish.com"),
            on("x5sec", "parent", ".goofish.com"),
            on("", "nameless", ".goofish.com"),
            on("isg", "i", ".alicdn.com"),
        ],
        "h5api.m.goofish.com",
    );
    let want: Vec<(String, String)> = [("cna", "g"), ("isg", "i"), ("x5sec", "new")]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    assert_eq!(got, want);
}
