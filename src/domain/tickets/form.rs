//! The contact form's value rules, as Freshdesk's widget ticket validator applies them:
//! what kind each default and custom field takes, how a form's text is read (as Rails
//! would), and the field error (with Freshdesk's code and message) when a value is wrong.
//! Pure: the widget's handler decides which fields a customer may send.

use serde_json::{json, Value};

use crate::domain::fixtures::TicketField;
use crate::domain::invalid::{type_name, FieldError};

/// What a value must be.
#[derive(Debug, Clone)]
pub enum Kind {
    Text,
    PositiveInt,
    Int,
    Number,
    Bool,
    Date,
    /// One of these texts; `ignore_case` for `type` (Freshdesk's inclusion check compares
    /// ticket types in lower case).
    TextChoice {
        choices: Vec<String>,
        ignore_case: bool,
    },
    IntChoice(Vec<i64>),
    Array(Box<Kind>),
    Object,
    /// An uploaded file: never a JSON or text value.
    File,
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Text | Kind::TextChoice { .. } => "String",
            Kind::PositiveInt => "Positive Integer",
            Kind::Int | Kind::IntChoice(_) => "Integer",
            Kind::Number => "Number",
            Kind::Bool => "Boolean",
            Kind::Date => "Date",
            Kind::Array(_) => "Array",
            Kind::Object => "key/value pair",
            Kind::File => "valid file format",
        }
    }

    /// Whether a JSON value has this kind's type, whatever its content.
    fn same_type(&self, value: &Value) -> bool {
        match self {
            Kind::Text | Kind::Date | Kind::TextChoice { .. } => value.is_string(),
            Kind::PositiveInt | Kind::Int | Kind::IntChoice(_) => value.is_i64() || value.is_u64(),
            Kind::Number => value.is_number(),
            Kind::Bool => value.is_boolean(),
            Kind::Array(_) => value.is_array(),
            Kind::Object => value.is_object(),
            Kind::File => false,
        }
    }
}

pub fn text_choices(choices: Option<&Value>, ignore_case: bool) -> Kind {
    match choices {
        Some(Value::Array(items)) => Kind::TextChoice {
            choices: items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            ignore_case,
        },
        _ => Kind::Text,
    }
}

pub fn kind_of_default(name: &str, field: Option<&TicketField>) -> Kind {
    let choices = field.and_then(|f| f.choices.as_ref());
    let sorted = |mut list: Vec<i64>| {
        list.sort_unstable();
        list.dedup();
        list
    };
    match name {
        "requester_id" | "product_id" | "group_id" | "responder_id" | "source" => Kind::PositiveInt,
        "priority" => Kind::IntChoice(sorted(match choices {
            Some(Value::Object(m)) => m.values().filter_map(Value::as_i64).collect(),
            _ => vec![1, 2, 3, 4],
        })),
        "status" => Kind::IntChoice(sorted(match choices {
            Some(Value::Object(m)) => m.keys().filter_map(|k| k.parse().ok()).collect(),
            _ => vec![2, 3, 4, 5],
        })),
        "type" => text_choices(choices, true),
        "tags" | "cc_emails" => Kind::Array(Box::new(Kind::Text)),
        "attachment_ids" => Kind::Array(Box::new(Kind::PositiveInt)),
        "attachments" => Kind::Array(Box::new(Kind::File)),
        "custom_fields" | "meta" => Kind::Object,
        "predictive" => Kind::Bool,
        _ => Kind::Text,
    }
}

pub fn kind_of_custom(field: &TicketField) -> Kind {
    match field.field_type.as_str() {
        "custom_number" => Kind::Int,
        "custom_decimal" => Kind::Number,
        "custom_checkbox" => Kind::Bool,
        "custom_date" => Kind::Date,
        "custom_dropdown" => text_choices(field.choices.as_ref(), false),
        _ => Kind::Text,
    }
}

pub fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// Checks a value against its kind; form values (text) are read as Rails would. Returns the
/// value as stored (numbers as numbers, a ticket type in its configured spelling).
pub fn check_kind(
    field: &str,
    value: &Value,
    kind: &Kind,
    from_form: bool,
) -> Result<Value, FieldError> {
    // Freshdesk's datatype message: the given type is named when it is not the expected
    // one ("Value set is of type String.It should be a/an Integer", no space after the
    // full stop, as `error_options.rb` joins them), and left out when only the content
    // is wrong (a negative id).
    let mismatch = || {
        let message = if kind.same_type(value) {
            format!("It should be a/an {}", kind.name())
        } else {
            format!(
                "Value set is of type {}.It should be a/an {}",
                type_name(value),
                kind.name()
            )
        };
        FieldError::new(field, message, "datatype_mismatch")
    };
    let form_text = if from_form {
        value.as_str().map(str::trim)
    } else {
        None
    };
    match kind {
        Kind::Text => value.as_str().map(|_| value.clone()).ok_or_else(mismatch),
        Kind::IntChoice(choices) => {
            let list = || choices.iter().map(i64::to_string);
            let n = value
                .as_i64()
                .or_else(|| form_text.and_then(|t| t.parse::<i64>().ok()));
            match n {
                Some(n) if choices.contains(&n) => Ok(json!(n)),
                // A JSON string naming an allowed value: the type is wrong, and the
                // message says which values are allowed (`datatype_and_inclusion`;
                // assumed wording).
                None if value.as_str().is_some_and(|t| list().any(|c| c == t)) => {
                    Err(FieldError::new(
                        field,
                        format!(
                            "Value set is of type String.It should be one of these values: '{}'",
                            list().collect::<Vec<_>>().join(",")
                        ),
                        "datatype_mismatch",
                    ))
                }
                _ => Err(not_included(field, list())),
            }
        }
        Kind::PositiveInt | Kind::Int => {
            let n = value
                .as_i64()
                .or_else(|| form_text.and_then(|t| t.parse::<i64>().ok()))
                .ok_or_else(mismatch)?;
            if matches!(kind, Kind::PositiveInt) && n <= 0 {
                return Err(mismatch());
            }
            Ok(json!(n))
        }
        Kind::Number => value
            .as_f64()
            .or_else(|| form_text.and_then(|t| t.parse::<f64>().ok()))
            .map(|n| json!(n))
            .ok_or_else(mismatch),
        Kind::Bool => value
            .as_bool()
            .or_else(|| form_text.and_then(|t| t.parse::<bool>().ok()))
            .map(Value::Bool)
            .ok_or_else(mismatch),
        Kind::Date => {
            let text = value.as_str().ok_or_else(mismatch)?;
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(text, &format)
                .map(|_| value.clone())
                .map_err(|_| {
                    FieldError::new(
                        field,
                        "It should be in the 'yyyy-mm-dd' format",
                        "invalid_value",
                    )
                })
        }
        Kind::TextChoice {
            choices,
            ignore_case,
        } => {
            let found = value.as_str().and_then(|text| {
                choices.iter().find(|c| {
                    if *ignore_case {
                        c.to_lowercase() == text.to_lowercase()
                    } else {
                        *c == text
                    }
                })
            });
            found
                .map(|c| Value::String(c.clone()))
                .ok_or_else(|| not_included(field, choices.iter().cloned()))
        }
        Kind::Array(element) => {
            let items = value.as_array().ok_or_else(mismatch)?;
            items
                .iter()
                .map(|item| {
                    check_kind(field, item, element, from_form).map_err(|_| {
                        FieldError::new(
                            field,
                            format!("It should contain elements of type {} only", element.name()),
                            "datatype_mismatch",
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        Kind::Object => value
            .as_object()
            .map(|_| value.clone())
            .ok_or_else(mismatch),
        Kind::File => Err(mismatch()),
    }
}

/// A value outside a choice list: Freshdesk's `not_included` message, answered with code
/// `invalid_value` (`error_constants.rb` maps the one to the other).
pub fn not_included(field: &str, choices: impl Iterator<Item = String>) -> FieldError {
    FieldError::new(
        field,
        format!(
            "It should be one of these values: '{}'",
            choices.collect::<Vec<_>>().join(",")
        ),
        "invalid_value",
    )
}
