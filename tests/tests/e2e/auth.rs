//! Login, logout, sessions, password change, rate limiting, admin-only routes, registration.
#![allow(clippy::unwrap_used, missing_docs)]

use reqwest::{Method, StatusCode};
use serde_json::json;
use xianyu_tests::{TestServer, on_both_backends};

on_both_backends! {
    login_me_logout => login_me_logout;
    password_change_revokes_other_sessions => password_change_revokes_other_sessions;
    failed_logins_are_rate_limited => failed_logins_are_rate_limited;
    admin_only_routes => admin_only_routes;
    registration_is_closed_by_default => registration_is_closed_by_default;
    disabling_a_user_ends_their_sessions => disabling_a_user_ends_their_sessions;
    temporary_passwords_must_be_changed => temporary_passwords_must_be_changed;
}

/// `must_change_password` of `/auth/me` for `token`.
async fn must_change(s: &TestServer, token: &str) -> bool {
    let (st, me) = s
        .call(Method::GET, "/api/v1/auth/me", Some(token), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{me}");
    me["must_change_password"].as_bool().unwrap()
}

/// The generated admin password and passwords an admin sets for others are temporary: login
/// and `/auth/me` say so until the user chooses their own (which must differ).
async fn temporary_passwords_must_be_changed(s: TestServer) {
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": s.admin_password})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["user"]["must_change_password"], true, "{v}");
    let admin = v["token"].as_str().unwrap().to_owned();
    assert!(must_change(&s, &admin).await);

    let same = json!({"current_password": s.admin_password, "new_password": s.admin_password});
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&admin),
            Some(same),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("same_password"))
    );
    assert!(
        must_change(&s, &admin).await,
        "a refused change keeps the flag"
    );
    let change = json!({"current_password": s.admin_password, "new_password": "chosen-by-admin-1"});
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&admin),
            Some(change),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert!(!must_change(&s, &admin).await);

    // A user the admin created, then reset: temporary each time, until they change it.
    let alice = s.user_token(&admin, "alice").await;
    assert!(must_change(&s, &alice).await);
    let change = json!({"current_password": "alice-password-1", "new_password": "alice-own-pw-1"});
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&alice),
            Some(change),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert!(!must_change(&s, &alice).await);
    let (_, users) = s
        .call(Method::GET, "/api/v1/users", Some(&admin), None)
        .await;
    let alice_id = users["items"][1]["id"].as_i64().unwrap();
    let reset = json!({"password": "reset-by-admin-1"});
    let (st, v) = s
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{alice_id}"),
            Some(&admin),
            Some(reset),
        )
        .await;
    assert_eq!(
        (st, v["must_change_password"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{v}"
    );
    let alice = s.login("alice", "reset-by-admin-1").await;
    assert!(must_change(&s, &alice).await);

    // An admin setting their own password through the users route chose it themselves.
    let (st, v) = s
        .call(
            Method::PATCH,
            "/api/v1/users/1",
            Some(&admin),
            Some(json!({"password": "admin-own-pw-2"})),
        )
        .await;
    assert_eq!(
        (st, v["must_change_password"].as_bool()),
        (StatusCode::OK, Some(false)),
        "{v}"
    );
}

async fn login_me_logout(s: TestServer) {
    let token = s.admin_token().await;
    let (st, me) = s
        .call(Method::GET, "/api/v1/auth/me", Some(&token), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("admin"), Some("admin"))
    );

    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": "wrong-password"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"]["code"], "invalid_credentials");
    let (_, unknown) = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "nobody", "password": "wrong-password"})),
        )
        .await;
    assert_eq!(unknown, v, "unknown user and wrong password answer alike");

    let (st, _) = s
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, v) = s
        .call(Method::GET, "/api/v1/auth/me", Some(&token), None)
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"]["code"], "session_revoked");
}

async fn password_change_revokes_other_sessions(s: TestServer) {
    let a = s.admin_token().await;
    let b = s.admin_token().await;
    let old = s.admin_password.clone();

    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&a),
            Some(json!({"current_password": "not-it-at-all", "new_password": "new-password-1"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("wrong_password"))
    );
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&a),
            Some(json!({"current_password": old, "new_password": "short"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("weak_password"))
    );

    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/auth/password",
            Some(&a),
            Some(json!({"current_password": old, "new_password": "new-password-1"})),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(
        s.call(Method::GET, "/api/v1/auth/me", Some(&a), None)
            .await
            .0,
        StatusCode::OK,
        "the changing session stays"
    );
    let (st, v) = s.call(Method::GET, "/api/v1/auth/me", Some(&b), None).await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("session_revoked"))
    );

    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": old})),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    s.login("admin", "new-password-1").await;
}

async fn failed_logins_are_rate_limited(s: TestServer) {
    for _ in 0..5 {
        let (st, _) = s
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "admin", "password": "guess-guess"})),
            )
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
    }
    let (st, headers, v) = s
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": s.admin_password})),
        )
        .await;
    assert_eq!(
        st,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits: {v}"
    );
    assert_eq!(v["error"]["code"], "rate_limited");
    let wait = v["error"]["retry_after"].as_u64().unwrap();
    assert!(wait > 0 && wait <= 900);
    assert_eq!(
        headers.get("retry-after").unwrap().to_str().unwrap(),
        wait.to_string()
    );
}

async fn admin_only_routes(s: TestServer) {
    let admin = s.admin_token().await;
    let user = s.user_token(&admin, "alice").await;
    for (m, p) in [
        (Method::GET, "/api/v1/users"),
        (Method::POST, "/api/v1/users"),
        (Method::PATCH, "/api/v1/users/1"),
        (Method::DELETE, "/api/v1/users/1"),
        (Method::GET, "/api/v1/settings"),
        (Method::PATCH, "/api/v1/settings"),
    ] {
        let body = matches!(m, Method::POST | Method::PATCH).then(|| json!({}));
        let (st, v) = s.call(m.clone(), p, Some(&user), body).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{m} {p}"
        );
        let (st, v) = s.call(m.clone(), p, None, None).await;
        assert_eq!(
            (st, v["error"]["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("missing_token")),
            "{m} {p}"
        );
    }
    let (st, v) = s
        .call(Method::GET, "/api/v1/users", Some(&admin), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let names: Vec<_> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "alice"]);
    let body = v.to_string();
    assert!(
        !body.contains("password_hash") && !body.contains("$2b$"),
        "no hashes in responses"
    );

    let (st, v) = s
        .call(Method::DELETE, "/api/v1/users/1", Some(&admin), None)
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("cannot_delete_self"))
    );
    let (st, v) = s
        .call(
            Method::PATCH,
            "/api/v1/users/1",
            Some(&admin),
            Some(json!({"role": "user"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("last_admin"))
    );
    let (st, v) = s
        .call(
            Method::PATCH,
            "/api/v1/users/999",
            Some(&admin),
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("user_not_found"))
    );
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"username": "alice", "password": "another-pass"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("username_taken"))
    );
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"username": "x", "password": "another-pass"})),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_username"))
    );
}

async fn registration_is_closed_by_default(s: TestServer) {
    let (st, v) = s
        .call(Method::GET, "/api/v1/auth/registration", None, None)
        .await;
    assert_eq!((st, v["open"].as_bool()), (StatusCode::OK, Some(false)));
    let body = json!({"username": "newbie", "password": "newbie-password"});
    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(body.clone()),
        )
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("registration_closed"))
    );

    let admin = s.admin_token().await;
    let (st, v) = s
        .call(Method::GET, "/api/v1/settings", Some(&admin), None)
        .await;
    assert_eq!(
        (st, v["registration_open"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let (st, v) = s
        .call(
            Method::PATCH,
            "/api/v1/settings",
            Some(&admin),
            Some(json!({"registration_open": true})),
        )
        .await;
    assert_eq!(
        (st, v["registration_open"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    let (_, v) = s
        .call(Method::GET, "/api/v1/auth/registration", None, None)
        .await;
    assert_eq!(v["open"], true, "the login page learns it without a token");

    let (st, v) = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(body.clone()),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["role"], "user");
    let (st, v) = s
        .call(Method::POST, "/api/v1/auth/register", None, Some(body))
        .await;
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("username_taken"))
    );
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "sneaky", "password": "sneaky-password", "role": "admin"})),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "nobody registers as admin");
    s.login("newbie", "newbie-password").await;
}

async fn disabling_a_user_ends_their_sessions(s: TestServer) {
    let admin = s.admin_token().await;
    let bob = s.user_token(&admin, "bob").await;
    let (_, me) = s
        .call(Method::GET, "/api/v1/auth/me", Some(&bob), None)
        .await;
    let id = me["id"].as_i64().unwrap();
    let (st, v) = s
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!((st, v["enabled"].as_bool()), (StatusCode::OK, Some(false)));
    assert_eq!(
        s.call(Method::GET, "/api/v1/auth/me", Some(&bob), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "bob", "password": "bob-password-1"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "disabled users cannot log in");
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
}
