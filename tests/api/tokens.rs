//! The widget JWT in `X-Widget-Auth`, checked exactly as Freshdesk checks it (spec section 3),
//! over real HTTP: each refusal's status and body, the order of the checks, the `exp`
//! boundaries, and the plain-words reason freshmock adds.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use freshmock::tokens::{mint, mint_for};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{
    alice_payload, token_for, token_with, Api, Reply, ALICE, ALICE_SECONDARY, BLAKE_BLOCKED,
    DANA_DELETED, NOW, SECRET, SPENCER_SPAM, WRONG_SECRET,
};

/// A call where login is optional, so only the token decides.
const SEARCH: &str = "/api/widget/search/solutions?term=password";

async fn search_with(token: &str) -> Reply {
    let api = Api::start().await;
    api.get_with_token(token, SEARCH).await
}

fn unauthorized(message: &str) -> Value {
    json!({
        "description": "Validation failed",
        "errors": [{ "field": "token", "message": message, "code": "unauthorized" }],
    })
}

fn payload_error(claim: &str, message: &str, code: &str) -> Value {
    json!({
        "description": "Validation failed",
        "errors": [{
            "field": "payload",
            "nested_field": format!("payload.{claim}"),
            "message": message,
            "code": code,
        }],
    })
}

fn too_far_ahead() -> Value {
    json!({
        "description": "Validation failed",
        "errors": [{ "field": "exp", "message": "Expiry should be within 2 hours", "code": "invalid_value" }],
    })
}

fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// The first error entry's field, nested field and code.
fn first_error(reply: &Reply) -> (String, String, String) {
    let error = reply.json()["errors"][0].clone();
    let text = |key: &str| error[key].as_str().unwrap_or_default().to_owned();
    (text("field"), text("nested_field"), text("code"))
}

// Segments and encoding.

#[tokio::test]
async fn token_with_two_segments_is_refused_for_its_segments() {
    let reply = search_with("eyJhbGciOiJIUzI1NiJ9.eyJuYW1lIjoiQSJ9").await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.json(),
        unauthorized("Not enough or too many segments")
    );
}

#[tokio::test]
async fn token_with_four_segments_is_refused_for_its_segments() {
    let token = format!("{}.extra", token_for(ALICE));

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.json(),
        unauthorized("Not enough or too many segments")
    );
}

#[tokio::test]
async fn unsigned_alg_none_token_has_two_segments_and_is_refused_for_them() {
    let token = mint("none", SECRET, &alice_payload(NOW + 60));
    assert!(token.ends_with('.'), "an alg none token is h.p.: {token}");

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.json(),
        unauthorized("Not enough or too many segments")
    );
}

#[tokio::test]
async fn header_that_is_not_json_is_an_invalid_segment_encoding() {
    let token = format!(
        "{}.{}.c2ln",
        b64("not json"),
        b64(&alice_payload(NOW + 60).to_string())
    );

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Invalid segment encoding"));
}

#[tokio::test]
async fn payload_that_is_not_json_is_an_invalid_segment_encoding() {
    let token = format!("{}.{}.c2ln", b64(r#"{"alg":"HS256"}"#), b64("{name: Alice"));

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Invalid segment encoding"));
}

#[tokio::test]
async fn bearer_prefix_is_not_stripped() {
    let token = format!("Bearer {}", token_for(ALICE));

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthorized");
}

// Expiry and nbf: before the signature, no leeway.

#[tokio::test]
async fn token_expired_a_second_ago_is_refused() {
    let reply = search_with(&token_with(alice_payload(NOW - 1))).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature has expired"));
}

#[tokio::test]
async fn token_expiring_exactly_now_is_accepted() {
    let reply = search_with(&token_with(alice_payload(NOW))).await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn non_numeric_exp_counts_as_expired() {
    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "email": ALICE, "exp": "tomorrow" }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature has expired"));
}

#[tokio::test]
async fn blank_exp_counts_as_expired() {
    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "email": ALICE, "exp": "" }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature has expired"));
}

#[tokio::test]
async fn expired_token_signed_with_a_wrong_key_reports_expiry() {
    let token = mint("HS256", WRONG_SECRET, &alice_payload(NOW - 60));

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature has expired"));
}

#[tokio::test]
async fn expired_token_with_an_unsupported_algorithm_reports_expiry() {
    let token = mint("RS256", SECRET, &alice_payload(NOW - 60));

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature has expired"));
}

#[tokio::test]
async fn token_before_its_nbf_is_refused() {
    let mut payload = alice_payload(NOW + 600);
    payload["nbf"] = json!(NOW + 1);

    let reply = search_with(&token_with(payload)).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.json(),
        unauthorized("Signature nbf has not been reached")
    );
}

#[tokio::test]
async fn token_whose_nbf_is_now_is_accepted() {
    let mut payload = alice_payload(NOW + 600);
    payload["nbf"] = json!(NOW);

    let reply = search_with(&token_with(payload)).await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn nbf_is_checked_before_the_signature() {
    let mut payload = alice_payload(NOW + 600);
    payload["nbf"] = json!(NOW + 60);

    let reply = search_with(&mint("HS256", WRONG_SECRET, &payload)).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.json(),
        unauthorized("Signature nbf has not been reached")
    );
}

#[tokio::test]
async fn iat_iss_aud_sub_jti_and_extra_claims_are_not_checked() {
    let mut payload = alice_payload(NOW + 600);
    for (claim, value) in [
        ("iat", json!(NOW + 100_000)),
        ("iss", json!("someone else")),
        ("aud", json!("not-freshdesk")),
        ("sub", json!(42)),
        ("jti", json!("reused")),
        ("company", json!("Initech")),
    ] {
        payload[claim] = value;
    }

    let reply = search_with(&token_with(payload)).await;

    assert_eq!(reply.status, StatusCode::OK);
}

// Algorithm and signature.

#[tokio::test]
async fn hs256_token_is_accepted() {
    let reply = search_with(&mint("HS256", SECRET, &alice_payload(NOW + 60))).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101, 1401]);
}

#[tokio::test]
async fn hs384_token_is_accepted() {
    let reply = search_with(&mint("HS384", SECRET, &alice_payload(NOW + 60))).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101, 1401]);
}

#[tokio::test]
async fn hs512_token_is_accepted() {
    let reply = search_with(&mint("HS512", SECRET, &alice_payload(NOW + 60))).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101, 1401]);
}

#[tokio::test]
async fn ps256_token_is_refused_as_an_unsupported_algorithm() {
    // ruby-jwt 1.5.4 knows HS, RS and ES: PS is not supported.
    let reply = search_with(&mint("PS256", SECRET, &alice_payload(NOW + 60))).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Algorithm not supported"));
}

#[tokio::test]
async fn alg_none_token_with_a_signature_segment_is_refused_as_an_unsupported_algorithm() {
    let token = format!("{}c2ln", mint("none", SECRET, &alice_payload(NOW + 60)));

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Algorithm not supported"));
}

#[tokio::test]
async fn token_signed_with_another_secret_fails_verification() {
    let reply = search_with(&mint("HS256", WRONG_SECRET, &alice_payload(NOW + 60))).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature verification raised"));
}

#[tokio::test]
async fn token_with_a_changed_payload_fails_verification() {
    let genuine = token_with(alice_payload(NOW + 60));
    let parts: Vec<&str> = genuine.split('.').collect();
    let forged_payload =
        b64(&json!({ "name": "Bob", "email": "bob@initech.test", "exp": NOW + 60 }).to_string());
    let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);

    let reply = search_with(&forged).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature verification raised"));
}

#[tokio::test]
async fn signature_is_checked_before_the_payload() {
    let token = mint("HS256", WRONG_SECRET, &json!({ "exp": NOW + 60 }));

    let reply = search_with(&token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature verification raised"));
}

// The payload: name, email, exp, first failure only.

#[tokio::test]
async fn missing_name_is_a_missing_field() {
    let reply = search_with(&token_with(json!({ "email": ALICE, "exp": NOW + 60 }))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        payload_error("name", "Field is missing/blank", "missing_field")
    );
}

#[tokio::test]
async fn blank_name_is_an_invalid_value() {
    let reply = search_with(&token_with(
        json!({ "name": "  ", "email": ALICE, "exp": NOW + 60 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        payload_error("name", "Field is missing/blank", "invalid_value")
    );
}

#[tokio::test]
async fn name_that_is_not_a_string_is_an_invalid_value() {
    let reply = search_with(&token_with(
        json!({ "name": 42, "email": ALICE, "exp": NOW + 60 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        payload_error("name", "Field is missing/blank", "invalid_value")
    );
}

#[tokio::test]
async fn name_over_255_characters_is_an_invalid_value() {
    let name = "n".repeat(256);

    let reply = search_with(&token_with(
        json!({ "name": name, "email": ALICE, "exp": NOW + 60 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        first_error(&reply),
        (
            "payload".into(),
            "payload.name".into(),
            "invalid_value".into()
        )
    );
}

#[tokio::test]
async fn name_of_255_characters_is_accepted() {
    let name = "é".repeat(255);

    let reply = search_with(&token_with(
        json!({ "name": name, "email": ALICE, "exp": NOW + 60 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn missing_email_is_a_missing_field() {
    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "exp": NOW + 60 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        payload_error("email", "Field is missing/blank", "missing_field")
    );
}

#[tokio::test]
async fn blank_email_is_an_invalid_value() {
    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "email": "", "exp": NOW + 60 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        payload_error("email", "Field is missing/blank", "invalid_value")
    );
}

#[tokio::test]
async fn malformed_email_is_refused_with_the_email_format_message() {
    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "email": "alice@localhost", "exp": NOW + 60 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        payload_error(
            "email",
            "It should be in the 'valid email address' format",
            "invalid_value"
        )
    );
}

#[tokio::test]
async fn email_over_255_characters_is_an_invalid_value() {
    let email = format!("{}@globex.test", "a".repeat(250));

    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "email": email, "exp": NOW + 60 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        first_error(&reply),
        (
            "payload".into(),
            "payload.email".into(),
            "invalid_value".into()
        )
    );
}

#[tokio::test]
async fn missing_exp_is_a_missing_field() {
    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "email": ALICE }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        payload_error("exp", "Field is missing/blank", "missing_field")
    );
}

#[tokio::test]
async fn exp_as_a_numeric_string_is_an_invalid_value() {
    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "email": ALICE, "exp": (NOW + 60).to_string() }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // Freshdesk's blank-field message (`jwt_payload_validation.rb`), not a type message.
    assert_eq!(
        reply.json(),
        payload_error("exp", "Field is missing/blank", "invalid_value")
    );
}

#[tokio::test]
async fn exp_with_a_fraction_is_an_invalid_value() {
    let reply = search_with(&token_with(
        json!({ "name": "Alice Anders", "email": ALICE, "exp": NOW as f64 + 60.5 }),
    ))
    .await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // Freshdesk's blank-field message (`jwt_payload_validation.rb`), not a type message.
    assert_eq!(
        reply.json(),
        payload_error("exp", "Field is missing/blank", "invalid_value")
    );
}

#[tokio::test]
async fn name_is_checked_before_email() {
    let reply = search_with(&token_with(json!({ "email": "nope", "exp": NOW + 60 }))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(first_error(&reply).1, "payload.name");
}

#[tokio::test]
async fn email_is_checked_before_exp() {
    let reply = search_with(&token_with(json!({ "name": "Alice Anders" }))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(first_error(&reply).1, "payload.email");
}

#[tokio::test]
async fn payload_is_checked_before_the_two_hour_limit() {
    let reply = search_with(&token_with(json!({ "email": ALICE, "exp": NOW + 100_000 }))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(first_error(&reply).1, "payload.name");
}

// The two-hour limit.

#[tokio::test]
async fn token_expiring_in_exactly_two_hours_is_accepted() {
    let reply = search_with(&token_with(alice_payload(NOW + 7200))).await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn token_expiring_a_second_after_two_hours_is_refused() {
    let reply = search_with(&token_with(alice_payload(NOW + 7201))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), too_far_ahead());
}

#[tokio::test]
async fn exp_in_milliseconds_is_refused_as_too_far_ahead() {
    let reply = search_with(&token_with(alice_payload(NOW * 1000 + 3_600_000))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), too_far_ahead());
}

// Who the token names.

#[tokio::test]
async fn unknown_email_on_search_is_absent_in_db() {
    let reply = search_with(&mint_for(
        "Newcomer",
        "newcomer@example.org",
        NOW + 60,
        SECRET,
    ))
    .await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json(),
        json!({ "code": "absent_in_db", "message": "There is no user matching the given email" })
    );
}

#[tokio::test]
async fn secondary_email_logs_in_as_the_contact() {
    let reply = search_with(&token_for(ALICE_SECONDARY)).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101, 1401]);
}

#[tokio::test]
async fn email_is_matched_case_insensitively() {
    let reply = search_with(&mint_for("Alice", "Alice@Globex.TEST", NOW + 60, SECRET)).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), [1101, 1401]);
}

#[tokio::test]
async fn blocked_contact_on_search_is_an_invalid_user() {
    let reply = search_with(&token_for(BLAKE_BLOCKED)).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reply.json(),
        json!({
            "code": "invalid_user",
            "message": "You are not authorized to perform this action on behalf of this user. id:1005, name:Blake Blocked",
        })
    );
}

#[tokio::test]
async fn deleted_contact_on_search_is_an_invalid_user() {
    let reply = search_with(&token_for(DANA_DELETED)).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "invalid_user");
}

#[tokio::test]
async fn spam_contact_on_search_is_an_invalid_user() {
    let reply = search_with(&token_for(SPENCER_SPAM)).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "invalid_user");
}

// freshmock's explanations.

#[tokio::test]
async fn every_token_refusal_explains_itself_in_x_freshmock_reason() {
    let api = Api::start().await;
    let refused = [
        "a.b".to_owned(),
        token_with(alice_payload(NOW - 1)),
        mint("HS256", WRONG_SECRET, &alice_payload(NOW + 60)),
        mint("RS256", SECRET, &alice_payload(NOW + 60)),
        token_with(json!({ "email": ALICE, "exp": NOW + 60 })),
        token_with(alice_payload(NOW + 7201)),
        token_for("newcomer@example.org"),
        token_for(BLAKE_BLOCKED),
    ];

    let mut reasons = Vec::new();
    for token in &refused {
        let reply = api.get_with_token(token, SEARCH).await;
        reasons.push((reply.status, reply.reason().to_owned()));
    }

    for (status, reason) in reasons {
        assert!(!status.is_success());
        assert!(!reason.trim().is_empty(), "{status} has an empty reason");
    }
}

#[tokio::test]
async fn milliseconds_exp_is_explained_as_milliseconds() {
    let reply = search_with(&token_with(alice_payload(NOW * 1000))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.reason().contains("milliseconds"),
        "{}",
        reply.reason()
    );
}

#[tokio::test]
async fn too_far_ahead_is_explained_with_the_limit() {
    let reply = search_with(&token_with(alice_payload(NOW + 7260))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reason = reply.reason();
    assert!(
        reason.contains("7260") && reason.contains("7200"),
        "{reason}"
    );
}

#[tokio::test]
async fn expiry_is_explained_with_how_long_ago() {
    let reply = search_with(&token_with(alice_payload(NOW - 61))).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reason = reply.reason();
    assert!(
        reason.contains("expired") && reason.contains("ago"),
        "{reason}"
    );
}

#[tokio::test]
async fn wrong_secret_is_explained_as_a_different_secret() {
    let reply = search_with(&mint("HS256", WRONG_SECRET, &alice_payload(NOW + 60))).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reason = reply.reason();
    assert!(
        reason.contains("HS256") && reason.contains("different secret"),
        "{reason}"
    );
}

#[tokio::test]
async fn an_empty_payload_skips_every_check_and_finds_no_user() {
    let token = mint("HS256", SECRET, &json!({}));
    let reply = search_with(&token).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "absent_in_db");
    assert!(
        reply.reason().contains("payload.present?"),
        "{}",
        reply.reason()
    );

    let api = Api::start().await;
    let bootstrap = api.get_with_token(&token, "/api/widget/bootstrap").await;
    assert_eq!(bootstrap.status, StatusCode::NOT_FOUND);
    assert_eq!(bootstrap.code(), "absent_in_db");
}

/// Freshdesk's own 500, which is what the customer's page sees.
fn assert_freshdesk_crash(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        reply.json(),
        json!({ "message": "We're sorry, but something went wrong." })
    );
    assert!(
        reply
            .reason()
            .starts_with("Freshdesk's own crash, not freshmock's"),
        "{}",
        reply.reason()
    );
}

#[tokio::test]
async fn a_boolean_exp_crashes_freshdesk_and_the_500_says_whose_crash_it_is() {
    let token = token_with(json!({ "name": "Alice Anders", "email": ALICE, "exp": true }));
    assert_freshdesk_crash(&search_with(&token).await);
}

#[tokio::test]
async fn an_rs256_header_crashes_freshdesk_with_its_string_secret() {
    let header = b64(r#"{"alg":"RS256","typ":"JWT"}"#);
    let payload =
        b64(&json!({ "name": "Alice Anders", "email": ALICE, "exp": NOW + 60 }).to_string());
    let token = format!("{header}.{payload}.c2lnbmF0dXJl");
    let reply = search_with(&token).await;
    assert_freshdesk_crash(&reply);
    assert!(reply.reason().contains("HS256"), "{}", reply.reason());
}

// A backend that signs by real time, against freshmock's moved clock.

/// Unix seconds now, by the machine's clock (what a team's backend signs with).
fn real_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn a_token_signed_by_real_time_after_a_clock_jump_is_refused_with_a_reason_naming_the_clock()
{
    let api = Api::on(freshmock::MockServer::start().await);
    api.advance(std::time::Duration::from_secs(2 * 3600 + 60));
    let real = real_now();
    let by_real_time = token_with(json!({
        "name": "Alice Anders", "email": ALICE, "iat": real, "exp": real + 3600,
    }));
    let reply = api.get_with_token(&by_real_time, SEARCH).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), unauthorized("Signature has expired"));
    let reason = reply.reason();
    assert!(
        reason.contains("freshmock's clock is 2 h 1 min ahead of real time")
            && reason.contains("docs/src/testing-your-app.md"),
        "{reason}"
    );
    let log = api.inspect("requests?token=refused").await;
    assert_eq!(log["entries"][0]["reason"], json!(reason));

    // The same backend signing by freshmock's clock (what appClock reads) is accepted.
    let clock = api.inspect("clock").await["now_ms"].as_i64().unwrap() / 1000;
    let by_app_clock = token_with(json!({
        "name": "Alice Anders", "email": ALICE, "iat": clock, "exp": clock + 3600,
    }));
    assert_eq!(
        api.get_with_token(&by_app_clock, SEARCH).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_real_time_token_against_a_frozen_past_clock_is_too_far_ahead_and_says_why() {
    // The pinned server is frozen at 2026-01-01, before real time.
    let real = real_now();
    let reply = search_with(&token_with(alice_payload(real + 600))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), too_far_ahead());
    let reason = reply.reason();
    assert!(
        reason.contains("behind real time") && reason.contains("it would be accepted"),
        "{reason}"
    );
}
