//! Input a rule of the account refuses, in Freshdesk's validation terms: the field errors
//! its validators list (field, message, code) and freshmock's plain-words reason. The
//! rules live in the domain (a ticket's fields, a folder's visibility, unique names); the
//! HTTP room turns an [`Invalid`] into Freshdesk's `{"description":"Validation
//! failed","errors":[...]}`.

use serde_json::{json, Value};

/// One entry of a validation error's `errors` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub nested_field: Option<String>,
    pub message: String,
    pub code: &'static str,
    /// Freshdesk's `additional_info` (the existing record of a `duplicate_value`).
    pub additional_info: Option<Box<Value>>,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>, code: &'static str) -> FieldError {
        FieldError {
            field: field.to_owned(),
            nested_field: None,
            message: message.into(),
            code,
            additional_info: None,
        }
    }

    /// The same error with Freshdesk's `additional_info`.
    pub fn with_info(mut self, info: Value) -> FieldError {
        self.additional_info = Some(Box::new(info));
        self
    }

    /// `invalid_field`: a parameter the endpoint does not take.
    pub fn unexpected(field: &str) -> FieldError {
        FieldError::new(
            field,
            "Unexpected/invalid field in request",
            "invalid_field",
        )
    }

    /// The entry as Freshdesk's JSON lists it.
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "field": self.field, "message": self.message, "code": self.code });
        if let Some(nested) = &self.nested_field {
            v["nested_field"] = json!(nested);
        }
        if let Some(info) = &self.additional_info {
            v["additional_info"] = (**info).clone();
        }
        v
    }
}

/// What kind of refusal: a field's value (400), or a value that must be unique (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidKind {
    Fields,
    Conflict,
}

/// Input refused by a rule, with every field error found and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub kind: InvalidKind,
    pub errors: Vec<FieldError>,
    pub reason: String,
}

impl Invalid {
    /// One field refused, the reason being the field and Freshdesk's message.
    pub fn one(field: &str, message: impl Into<String>, code: &'static str) -> Invalid {
        Invalid::of(vec![FieldError::new(field, message, code)])
    }

    /// Fields refused, the reason listing each with Freshdesk's message.
    pub fn of(errors: Vec<FieldError>) -> Invalid {
        let reason = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Invalid::all(errors, reason)
    }

    /// Several fields refused at once, as Freshdesk lists them.
    pub fn all(errors: Vec<FieldError>, reason: impl Into<String>) -> Invalid {
        Invalid {
            kind: InvalidKind::Fields,
            errors,
            reason: reason.into(),
        }
    }

    /// `duplicate_value` on `field`: the name is taken (409).
    pub fn duplicate(field: &str, reason: impl Into<String>) -> Invalid {
        Invalid {
            kind: InvalidKind::Conflict,
            errors: vec![FieldError::new(
                field,
                "It should be a unique value",
                "duplicate_value",
            )],
            reason: reason.into(),
        }
    }
}

/// The type Freshdesk names in "Value set is of type X. It should be a/an Y". Assumed
/// for null, floats and objects (Freshdesk's tests show String, Integer and Boolean).
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_f64() => "Float",
        Value::Number(_) => "Integer",
        Value::String(_) => "String",
        Value::Array(_) => "Array",
        Value::Object(_) => "key/value pair",
    }
}
