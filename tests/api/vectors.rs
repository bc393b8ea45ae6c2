//! Tokens made by independent JWT libraries (PyJWT, npm `jsonwebtoken`) are accepted and
//! refused exactly as Freshdesk would. The vectors and the commands that produced them are
//! in `tests/vectors/`.

use reqwest::Method;
use serde_json::Value;

use crate::support::{self, fetch, Api, WIDGET};

async fn check_vectors(file: &str) {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["now"], support::NOW, "vectors assume the pinned clock");
    assert_eq!(
        doc["secret"],
        support::SECRET,
        "vectors use the bundled secret"
    );
    let server = Api::start().await;
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 10, "{file} has its vectors");
    for vector in vectors {
        let name = vector["name"].as_str().unwrap();
        let reply = fetch(
            server
                .widget(
                    Method::GET,
                    "/api/widget/search/solutions?term=reset",
                    WIDGET,
                    "vectors",
                )
                .header("X-Widget-Auth", vector["token"].as_str().unwrap()),
        )
        .await;
        assert_eq!(
            reply.status.as_u16(),
            vector["expect"]["status"],
            "{file} {name}: {}",
            reply.body
        );
        if let Some(expected) = vector["expect"].get("body") {
            let body = reply.json();
            assert_eq!(&body, expected, "{file} {name}");
        }
    }
}

#[tokio::test]
async fn pyjwt_tokens_get_freshdesks_answers() {
    check_vectors("pyjwt.json").await;
}

#[tokio::test]
async fn npm_jsonwebtoken_tokens_get_freshdesks_answers() {
    check_vectors("jsonwebtoken-npm.json").await;
}
