//! `GET /api/widget/ticket_fields` (spec section 2): the customer-editable fields, labelled
//! in the resolved language, in Freshdesk's shape.

use freshmock::tokens::mint_for;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{ids, keys, Api, GRETA, NOW, SECRET};

const FIELDS: &str = "/api/widget/ticket_fields";

fn field(body: &Value, name: &str) -> Value {
    body.as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name} in {body}"))
        .clone()
}

#[tokio::test]
async fn only_customer_editable_fields_are_listed_in_position_order() {
    let api = Api::start().await;

    let reply = api.get(FIELDS).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        ids(&reply.json()),
        [5001, 5002, 5003, 5005, 5006, 5007, 5008, 5009, 5010]
    );
}

#[tokio::test]
async fn default_fields_use_api_names() {
    let api = Api::start().await;

    let reply = api.get(FIELDS).await;

    let names: Vec<String> = reply
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "email",
            "subject",
            "type",
            "priority",
            "description",
            "cf_order_number",
            "cf_product_area",
            "cf_callback_requested",
            "cf_quantity"
        ]
    );
}

#[tokio::test]
async fn each_field_has_freshdesks_keys() {
    let api = Api::start().await;

    let reply = api.get(FIELDS).await;

    assert_eq!(reply.status, StatusCode::OK);
    let subject = field(&reply.json(), "subject");
    assert_eq!(
        keys(&subject),
        [
            "belongs_to_section",
            "created_at",
            "customers_can_edit",
            "default",
            "description",
            "displayed_to_customers",
            "id",
            "label",
            "label_for_customers",
            "name",
            "position",
            "required_for_agents",
            "required_for_closure",
            "required_for_customers",
            "type",
            "updated_at",
        ]
    );
}

#[tokio::test]
async fn choices_are_given_where_a_field_has_them() {
    let api = Api::start().await;

    let reply = api.get(FIELDS).await;

    let priority = field(&reply.json(), "priority");
    assert_eq!(
        priority["choices"],
        json!({ "Low": 1, "Medium": 2, "High": 3, "Urgent": 4 })
    );
}

#[tokio::test]
async fn english_labels_without_any_language_hint() {
    let api = Api::start().await;

    let reply = api.get(FIELDS).await;

    let email = field(&reply.json(), "email");
    assert_eq!(email["label"], "Requester");
    assert_eq!(email["label_for_customers"], "Your email address");
    assert_eq!(
        email["description"],
        "We'll send our reply to this address."
    );
}

#[tokio::test]
async fn labels_follow_the_language_parameter() {
    let api = Api::start().await;

    let reply = api.get(&format!("{FIELDS}?language=fr")).await;

    assert_eq!(reply.status, StatusCode::OK);
    let email = field(&reply.json(), "email");
    assert_eq!(email["label"], "Demandeur");
    assert_eq!(email["label_for_customers"], "Votre adresse e-mail");
}

#[tokio::test]
async fn labels_follow_the_profile_language() {
    let api = Api::start().await;

    let reply = api.get_as(Some(GRETA), FIELDS).await;

    assert_eq!(reply.status, StatusCode::OK);
    let description = field(&reply.json(), "description");
    assert_eq!(description["label"], "Beschreibung");
    assert_eq!(description["label_for_customers"], "Wie können wir helfen?");
}

#[tokio::test]
async fn labels_follow_accept_language() {
    let api = Api::start().await;

    let reply = crate::support::fetch(
        api.call(FIELDS)
            .header("Accept-Language", "de-CH, fr;q=0.5"),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(field(&reply.json(), "subject")["label"], "Betreff");
}

#[tokio::test]
async fn page_and_per_page_are_accepted_and_ignored() {
    let api = Api::start().await;

    let reply = api.get(&format!("{FIELDS}?page=3&per_page=1")).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(ids(&reply.json()).len(), 9);
}

#[tokio::test]
async fn unknown_parameter_is_an_invalid_field() {
    let api = Api::start().await;

    let reply = api.get(&format!("{FIELDS}?form=2")).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_field");
}

#[tokio::test]
async fn token_naming_an_unknown_email_is_absent_in_db() {
    let api = Api::start().await;
    let token = mint_for("Nina Newcomer", "nina@newcomer.example", NOW + 600, SECRET);

    let reply = api.get_with_token(&token, FIELDS).await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json(),
        json!({ "code": "absent_in_db", "message": "There is no user matching the given email" })
    );
}
