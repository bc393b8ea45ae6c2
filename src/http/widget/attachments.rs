//! `POST /api/widget/attachments`: a file for a ticket, uploaded before the ticket as a draft
//! of this widget and browser (`X-Client-Id`). The upload is validated before the widget's
//! contact form is looked at, as Freshdesk's controller does.
//!
//! The file is streamed: each chunk goes to an anonymous temporary file as it arrives and
//! reading stops as soon as the 20 MB limit is passed, so an upload of any size costs the
//! server a few buffers of memory. Only a file within the limit is copied into the store,
//! in pieces.

use std::io::{Seek, SeekFrom};

use futures_util::StreamExt;
use http::{HeaderValue, StatusCode};
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::http::body::{self, format_mb, Accepts, BodyKind, MAX_ATTACHMENT_BYTES};
use crate::http::context::{
    check, contact_form_requires_login, login_required, Login, WidgetHeaders,
};
use crate::http::error::ApiError;
use crate::http::error::FieldError;
use crate::http::reply::{json_response, Answer};
use crate::http::request::{BodyStream, Req};
use crate::state::store::NewAttachment;
use crate::state::AppState;

/// The one part the call takes.
const PART: &str = "content";

/// Stores the upload as a draft. A refused upload may still be arriving: the answer says
/// the connection ends there, so the rest is never read.
pub async fn upload(mut req: Req) -> Answer {
    let content_length = req
        .header(&http::header::CONTENT_LENGTH)
        .and_then(|v| v.trim().parse().ok());
    let body = req.take_body();
    let content_type = req.content_type();
    let headers = WidgetHeaders::of(&req.headers);
    let result = upload_body(&req.state, headers, content_type, content_length, body).await;
    Ok(result.unwrap_or_else(|err| {
        let mut response = err.into_response();
        response
            .headers_mut()
            .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
        response
    }))
}

/// A file received within the limit, waiting in a temporary file.
struct Received {
    file: std::fs::File,
    size: u64,
    name: String,
    content_type: String,
}

async fn upload_body(
    state: &AppState,
    headers: WidgetHeaders,
    content_type: Option<String>,
    content_length: Option<u64>,
    body: BodyStream,
) -> Answer {
    let kind = body::content_kind(content_type.as_deref(), Accepts::Multipart)?;
    let call = check(state, headers, Login::Optional)?;
    let widget = call.widget();
    login_required(&call, contact_form_requires_login(widget))?;
    // The upload is validated before the widget's contact form is looked at
    // (`widget/attachments_controller.rb`: validate_params runs before create).
    let received = match kind {
        BodyKind::Multipart { boundary } => receive(body, &boundary, content_length).await?,
        BodyKind::Json => Upload::Missing,
    };
    let received = match received {
        Upload::File(received) => received,
        Upload::Missing => {
            return Err(ApiError::invalid(
                // Assumed wording: Freshdesk's message for a missing mandatory attribute.
                FieldError::new(PART, "Mandatory attribute missing", "missing_field"),
                "the upload has no part named content: send the file as multipart/form-data part 'content'",
            ))
        }
        Upload::Text => {
            return Err(ApiError::invalid(
                FieldError::new(
                    PART,
                    "Value set is of type String.It should be a/an valid file format",
                    "datatype_mismatch",
                ),
                "the content part is a text field, not a file: give it a filename (curl -F content=@file)",
            ))
        }
    };
    if !widget.settings.components.contact_form {
        return Err(ApiError::request(
            StatusCode::BAD_REQUEST,
            "contact_form_not_enabled",
            format!(
                "widget {} has the contact form turned off (settings.components.contact_form)",
                widget.id
            ),
        ));
    }
    let draft = NewAttachment {
        widget_id: call.widget_id,
        client_id: call.client_id().to_owned(),
        name: received.name,
        content_type: received.content_type,
        size: received.size,
        created_at: state.clock().now_secs(),
    };
    let mut file = received.file;
    file.seek(SeekFrom::Start(0)).map_err(ApiError::internal)?;
    let record = state.save_attachment(draft, file).await?;
    tracing::info!(id = record.id, size = record.size, client = %record.client_id, "attachment stored as a draft");
    json_response(StatusCode::OK, &json!({ "id": record.id }))
}

/// What the `content` part turned out to be.
enum Upload {
    File(Received),
    /// A `content` part without a file name: a text field (Rails reads it as a String).
    Text,
    Missing,
}

/// Reads the parts: `content` into a temporary file, anything else counted and refused.
/// Stops reading once the files pass the limit.
async fn receive(
    body: BodyStream,
    boundary: &str,
    content_length: Option<u64>,
) -> Result<Upload, ApiError> {
    let mut multipart = multer::Multipart::new(body, boundary);
    let mut unexpected: Vec<String> = Vec::new();
    let mut received: Option<Received> = None;
    let mut text_content = false;
    let mut total: u64 = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| body::bad_form(&e))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.file_name().is_some();
        if name == PART && !is_file {
            text_content = true;
        }
        let keep = name == PART && is_file && received.is_none();
        if name != PART && !unexpected.contains(&name) {
            unexpected.push(name.clone());
        }
        let mut spool = None;
        if keep {
            let file = tempfile::tempfile().map_err(ApiError::internal)?;
            spool = Some((
                tokio::fs::File::from_std(file),
                field.file_name().unwrap_or("blob").to_owned(),
                field
                    .content_type()
                    .map_or("application/octet-stream".to_owned(), |m| m.to_string()),
            ));
        }
        let mut size = 0u64;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| body::bad_form(&e))?;
            size += chunk.len() as u64;
            total += chunk.len() as u64;
            if total > MAX_ATTACHMENT_BYTES {
                if !unexpected.is_empty() {
                    return Err(unexpected_parts(&unexpected));
                }
                return Err(too_big(content_length.unwrap_or(total).max(total)));
            }
            if let Some((file, _, _)) = spool.as_mut() {
                file.write_all(&chunk).await.map_err(ApiError::internal)?;
            }
        }
        if let Some((mut file, name, content_type)) = spool {
            file.flush().await.map_err(ApiError::internal)?;
            received = Some(Received {
                file: file.into_std().await,
                size,
                name,
                content_type,
            });
        }
    }
    if !unexpected.is_empty() {
        return Err(unexpected_parts(&unexpected));
    }
    Ok(match received {
        Some(file) => Upload::File(file),
        None if text_content => Upload::Text,
        None => Upload::Missing,
    })
}

fn unexpected_parts(names: &[String]) -> ApiError {
    ApiError::validation(
        StatusCode::BAD_REQUEST,
        names.iter().map(|n| FieldError::unexpected(n)).collect(),
        format!(
            "part(s) {} are not taken: the upload has one part, named content",
            names.join(", ")
        ),
    )
}

fn too_big(size: u64) -> ApiError {
    let mb = format_mb(size);
    ApiError::invalid(
        FieldError::new(
            PART,
            format!("Total attachment(s) size is {mb} MB, it should not exceed 20 MB"),
            "invalid_size",
        ),
        format!(
            "the upload passed {MAX_ATTACHMENT_BYTES} bytes (20 MB); freshmock stopped reading it there{}",
            if size > MAX_ATTACHMENT_BYTES + 1 {
                format!(" (the request announced {size} bytes)")
            } else {
                String::new()
            }
        ),
    )
}
