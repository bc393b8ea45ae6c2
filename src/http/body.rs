//! Request bodies of the write calls: Freshdesk's Content-Type rule (spec section 1), decided
//! once here for every non-GET call, and JSON or multipart/form-data bodies read with a cap,
//! so no client can make the server hold more than it allows.

use http::StatusCode;
use serde_json::{Map, Value};

pub use crate::http::request::BodyStream;
use crate::http::request::{read_limited, too_large};

use crate::http::error::{ApiError, FieldError};

/// Which bodies a call takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// JSON (or no Content-Type): every non-GET call but these two.
    Json,
    /// Tickets: JSON or multipart/form-data.
    JsonOrMultipart,
    /// Attachments: multipart/form-data only.
    Multipart,
}

/// How the body is to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON, or no Content-Type at all.
    Json,
    Multipart {
        boundary: String,
    },
}

/// Freshdesk's Content-Type rule: no Content-Type or `application/json` (parameters such as
/// `charset` allowed), multipart where the call takes it; anything else is 415.
pub fn content_kind(content_type: Option<&str>, accepts: Accepts) -> Result<BodyKind, ApiError> {
    let Some(raw) = content_type.filter(|c| !c.trim().is_empty()) else {
        return Ok(BodyKind::Json);
    };
    let essence = raw
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match (essence.as_str(), accepts) {
        ("application/json", Accepts::Json | Accepts::JsonOrMultipart) => Ok(BodyKind::Json),
        ("multipart/form-data", Accepts::JsonOrMultipart | Accepts::Multipart) => {
            let boundary = multer::parse_boundary(raw).map_err(|e| {
                ApiError::request(
                    StatusCode::BAD_REQUEST,
                    "invalid_multipart",
                    format!("Content-Type {raw:?} has no usable multipart boundary: {e}"),
                )
            })?;
            Ok(BodyKind::Multipart { boundary })
        }
        _ => {
            // Freshdesk's message takes only the type received (`content_type`) and always
            // names application/json, even on the attachments call, which takes only
            // multipart/form-data; the reason says what this call takes.
            let also = match accepts {
                Accepts::Json => "",
                Accepts::JsonOrMultipart => " (this call also takes multipart/form-data)",
                Accepts::Multipart => " (this call takes only multipart/form-data, with the file in a part named content)",
            };
            Err(ApiError::with_message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_content_type",
                format!(
                    "Content-Type header is set to {raw}. It should be set to application/json"
                ),
                format!("Content-Type {raw:?} is not accepted here{also}"),
            ))
        }
    }
}

/// Whole bodies (JSON, or the text parts of a ticket form) may not exceed this.
pub const MAX_FORM_BYTES: usize = 5 * 1024 * 1024;

/// What to do with a body over [`MAX_FORM_BYTES`]. Assumed: Freshdesk's front servers refuse
/// such bodies before the application; the mock answers with a request error instead of an
/// HTML page.
const OVER_FORM: &str = "files belong in POST /api/widget/attachments";

/// A flat parameter object, and whether it came from a form (where every value is text).
#[derive(Debug, Default)]
pub struct FormParams {
    pub params: Map<String, Value>,
    /// Multipart: numbers and booleans arrive as text and are read leniently.
    pub from_form: bool,
    /// The files of a multipart ticket (`attachments[]` parts with a file name), each
    /// waiting in a temporary file.
    pub files: Vec<FormFile>,
}

/// A file part of a multipart form, spooled to an anonymous temporary file.
#[derive(Debug)]
pub struct FormFile {
    pub file: std::fs::File,
    pub size: u64,
    pub name: String,
    pub content_type: String,
}

/// The part name of a ticket's inline files (Freshdesk's `attachments` in `CREATE_FIELDS`).
pub const FILES_PART: &str = "attachments[]";

/// Freshdesk's limit on a ticket's attachments, all files together.
pub const MAX_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;

/// Reads the parameters of a JSON or multipart body; a multipart body's `attachments[]`
/// files are spooled to temporary files, within [`MAX_ATTACHMENT_BYTES`] together.
pub async fn read_params(kind: BodyKind, body: BodyStream) -> Result<FormParams, ApiError> {
    match kind {
        BodyKind::Json => {
            let bytes = read_limited(body, MAX_FORM_BYTES, OVER_FORM).await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(FormParams::default());
            }
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(params)) => Ok(FormParams {
                    params,
                    from_form: false,
                    files: Vec::new(),
                }),
                Ok(other) => Err(invalid_json(format!(
                    "the body is a JSON {}, not an object of ticket fields",
                    json_kind(&other)
                ))),
                Err(e) => Err(invalid_json(format!("the body is not valid JSON: {e}"))),
            }
        }
        BodyKind::Multipart { boundary } => read_form(body, &boundary).await,
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn invalid_json(reason: String) -> ApiError {
    ApiError::with_message(
        StatusCode::BAD_REQUEST,
        "invalid_json",
        "Request body has invalid json format",
        reason,
    )
}

/// Multipart parts as Rails reads them: `a` is a value, `a[]` appends to an array,
/// `a[b]` sets a key of an object. Files named `attachments[]` are kept aside.
async fn read_form(body: BodyStream, boundary: &str) -> Result<FormParams, ApiError> {
    let mut multipart = multer::Multipart::new(body, boundary);
    let mut params = Map::new();
    let mut files = Vec::new();
    let mut total = 0usize;
    let mut file_bytes = 0u64;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| bad_form(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == FILES_PART && field.file_name().is_some() {
            files.push(spool(&mut field, &mut file_bytes).await?);
            continue;
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| bad_form(&e))? {
            total += chunk.len();
            if total > MAX_FORM_BYTES {
                return Err(too_large(MAX_FORM_BYTES, OVER_FORM));
            }
            value.extend_from_slice(&chunk);
        }
        let text = Value::String(String::from_utf8_lossy(&value).into_owned());
        insert_form_value(&mut params, &name, text);
    }
    Ok(FormParams {
        params,
        from_form: true,
        files,
    })
}

/// Writes one file part to a temporary file as it arrives, stopping once the files of the
/// request pass [`MAX_ATTACHMENT_BYTES`] together.
async fn spool(field: &mut multer::Field<'_>, total: &mut u64) -> Result<FormFile, ApiError> {
    use tokio::io::AsyncWriteExt;
    let name = field.file_name().unwrap_or("blob").to_owned();
    let content_type = field
        .content_type()
        .map_or("application/octet-stream".to_owned(), |m| m.to_string());
    let mut file = tokio::fs::File::from_std(tempfile::tempfile().map_err(ApiError::internal)?);
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(|e| bad_form(&e))? {
        size += chunk.len() as u64;
        *total += chunk.len() as u64;
        if *total > MAX_ATTACHMENT_BYTES {
            return Err(attachments_too_big("attachments", *total));
        }
        file.write_all(&chunk).await.map_err(ApiError::internal)?;
    }
    file.flush().await.map_err(ApiError::internal)?;
    let mut file = file.into_std().await;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0)).map_err(ApiError::internal)?;
    Ok(FormFile {
        file,
        size,
        name,
        content_type,
    })
}

/// 400 `invalid_size`: the files passed 20 MB together (Freshdesk's message).
pub fn attachments_too_big(field: &str, size: u64) -> ApiError {
    ApiError::invalid(
        FieldError::new(
            field,
            format!(
                "Total attachment(s) size is {} MB, it should not exceed 20 MB",
                format_mb(size)
            ),
            "invalid_size",
        ),
        format!(
            "the files passed {MAX_ATTACHMENT_BYTES} bytes (20 MB) together; freshmock stopped reading them there"
        ),
    )
}

/// Megabytes as Rails' `number_to_human_size` writes them: three significant digits,
/// trailing zeros dropped.
pub fn format_mb(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    let decimals = if mb >= 100.0 {
        0
    } else if mb >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{mb:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A multipart body multer cannot read: 400 `invalid_multipart` (tickets and attachments).
pub(super) fn bad_form(e: &multer::Error) -> ApiError {
    ApiError::request(
        StatusCode::BAD_REQUEST,
        "invalid_multipart",
        format!("the multipart body cannot be read: {e}"),
    )
}

fn insert_form_value(params: &mut Map<String, Value>, name: &str, value: Value) {
    match name.split_once('[') {
        Some((key, rest)) if rest.ends_with(']') => {
            let inner = &rest[..rest.len() - 1];
            let slot = params.entry(key.to_owned());
            if inner.is_empty() {
                let entry = slot.or_insert_with(|| Value::Array(Vec::new()));
                match entry {
                    Value::Array(items) => items.push(value),
                    other => *other = Value::Array(vec![value]),
                }
            } else {
                let entry = slot.or_insert_with(|| Value::Object(Map::new()));
                match entry {
                    Value::Object(map) => {
                        map.insert(inner.to_owned(), value);
                    }
                    other => {
                        let mut map = Map::new();
                        map.insert(inner.to_owned(), value);
                        *other = Value::Object(map);
                    }
                }
            }
        }
        _ => {
            params.insert(name.to_owned(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_or_no_content_type_passes_everywhere_but_other_types_are_415() {
        assert_eq!(content_kind(None, Accepts::Json).unwrap(), BodyKind::Json);
        assert_eq!(
            content_kind(Some("application/json; charset=utf-8"), Accepts::Json).unwrap(),
            BodyKind::Json
        );
        let err = content_kind(Some("text/plain"), Accepts::Json).unwrap_err();
        assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            err.body().unwrap()["message"],
            "Content-Type header is set to text/plain. It should be set to application/json"
        );
        let err = content_kind(Some("application/json"), Accepts::Multipart).unwrap_err();
        assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            content_kind(
                Some("multipart/form-data; boundary=x"),
                Accepts::JsonOrMultipart
            )
            .unwrap(),
            BodyKind::Multipart {
                boundary: "x".into()
            }
        );
    }

    #[test]
    fn sizes_read_like_rails() {
        assert_eq!(format_mb(25 * 1024 * 1024 + 300), "25");
        assert_eq!(format_mb(20 * 1024 * 1024 + 1), "20");
        assert_eq!(format_mb(1024 * 1024 * 1024), "1024");
        assert_eq!(format_mb(21 * 1024 * 1024 + 512 * 1024), "21.5");
    }

    #[test]
    fn form_names_follow_rails() {
        let mut m = Map::new();
        insert_form_value(&mut m, "email", json!("a@b.co"));
        insert_form_value(&mut m, "tags[]", json!("x"));
        insert_form_value(&mut m, "tags[]", json!("y"));
        insert_form_value(&mut m, "custom_fields[cf_a]", json!("1"));
        assert_eq!(
            Value::Object(m),
            json!({"email": "a@b.co", "tags": ["x", "y"], "custom_fields": {"cf_a": "1"}})
        );
    }
}
