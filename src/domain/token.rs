//! Widget JWTs checked exactly as Freshdesk checks them (spec section 3), with a plain-words
//! reason for every rejection, and minted for tests.
//!
//! Freshdesk decodes with the Ruby `jwt` gem 1.5.4 and checks the time claims before the
//! signature, with no leeway; the order below reproduces that, including its surprises
//! (an expired token signed with a wrong key reports expiry; `"h.p."` has two segments).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};

use crate::domain::clock::format_timestamp;
use crate::domain::email::is_valid_email;

/// `exp` may be at most this far ahead (seconds).
pub const MAX_TTL_SECS: i64 = 7200;

/// Name and email claims longer than this are refused.
const MAX_CLAIM_CHARS: usize = 255;

/// What a token that passed every check says.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    pub name: String,
    pub email: String,
    /// Unix seconds.
    pub exp: i64,
    /// The algorithm it was signed with.
    pub alg: String,
    /// The whole payload, extra claims included.
    pub payload: Value,
}

/// Why Freshdesk refuses a token: decides the HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// 401, field `token`, with one of Freshdesk's decode messages.
    Unauthorized(&'static str),
    /// 400, field `payload`, nested `payload.<claim>`.
    Payload {
        claim: &'static str,
        code: &'static str,
        message: String,
    },
    /// 400, field `exp`: more than two hours ahead.
    TooFarAhead,
    /// Freshdesk's own crash: ruby-jwt 1.5.4 raises an error Freshdesk does not catch, and
    /// the customer's page gets Rails' 500 "We're sorry, but something went wrong.".
    FreshdeskCrash,
}

/// A refused token: Freshdesk's answer and freshmock's explanation of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct TokenError {
    pub rejection: Rejection,
    /// What a developer should know and do, in plain words.
    pub reason: String,
}

pub const SEGMENTS: &str = "Not enough or too many segments";
pub const ENCODING: &str = "Invalid segment encoding";
pub const EXPIRED: &str = "Signature has expired";
pub const NBF: &str = "Signature nbf has not been reached";
pub const ALGORITHM: &str = "Algorithm not supported";
pub const SIGNATURE: &str = "Signature verification raised";

fn unauthorized(message: &'static str, reason: impl Into<String>) -> TokenError {
    TokenError {
        rejection: Rejection::Unauthorized(message),
        reason: reason.into(),
    }
}

/// The secrets a token is checked against: the current one and, to explain failures,
/// the ones it replaced.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    pub current: &'a str,
    /// Earlier secrets with the time (Unix seconds) they were replaced, newest last.
    pub former: &'a [(String, i64)],
}

/// Verifies a token as Freshdesk does at `now` (Unix seconds: freshmock's clock). A refusal
/// for time that real time would not have made says so (see [`verify_at`]): reading the
/// system time here only words a refusal, it never decides one.
pub fn verify(token: &str, keys: Keys<'_>, now: i64) -> Result<Claims, TokenError> {
    let real_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(now, |d| i64::try_from(d.as_secs()).unwrap_or(now));
    verify_at(token, keys, now, real_now)
}

/// [`verify`] at `now` by freshmock's clock, when real time is `real_now`. A team's backend
/// signs by real time; after `advanceClock`, or with `--now` or a frozen clock, its fresh
/// tokens look expired, far ahead or not yet valid by freshmock's clock. Such a refusal
/// (expiry, `nbf`, more than two hours ahead) names the clock and the recipe when the token's
/// times would pass by real time, or its `iat` is real time rather than freshmock's.
pub fn verify_at(
    token: &str,
    keys: Keys<'_>,
    now: i64,
    real_now: i64,
) -> Result<Claims, TokenError> {
    judge(token, keys, now).map_err(|refused| clock_note(refused, token, now, real_now))
}

/// Where the docs show a backend signing by freshmock's clock in tests.
pub const CLOCK_RECIPE: &str = "docs/src/testing-your-app.md";
/// How far freshmock's clock may be from real time before a time refusal mentions it.
const CLOCK_GAP_SECS: i64 = 60;
/// How close `iat` must be to real time to show the token was signed by it.
const IAT_SLACK_SECS: i64 = 300;

/// Adds to a time refusal that freshmock's clock, not the token, is what differs from real
/// time, when the token's claims say it was made by real time.
fn clock_note(mut refused: TokenError, token: &str, now: i64, real_now: i64) -> TokenError {
    let gap = now.saturating_sub(real_now);
    let about_time = match refused.rejection {
        Rejection::Unauthorized(m) => m == EXPIRED || m == NBF,
        Rejection::TooFarAhead => true,
        _ => false,
    };
    if !about_time || gap.abs() <= CLOCK_GAP_SECS {
        return refused;
    }
    let Some(Value::Object(payload)) = peek_payload(token.trim()) else {
        return refused;
    };
    let claim = |name: &str| payload.get(name).and_then(ruby_to_i);
    let fine_by_real_time = claim("exp")
        .is_some_and(|exp| exp >= real_now && exp <= real_now.saturating_add(MAX_TTL_SECS))
        && claim("nbf").is_none_or(|nbf| nbf <= real_now);
    let iat_is_real = claim("iat").is_some_and(|iat| (iat - real_now).abs() <= IAT_SLACK_SECS);
    if !fine_by_real_time && !iat_is_real {
        return refused;
    }
    let evidence = if fine_by_real_time {
        format!(
            "by real time ({}) it would be accepted",
            format_timestamp(real_now)
        )
    } else {
        "its iat is real time, not freshmock's".to_owned()
    };
    refused.reason.push_str(&format!(
        ". freshmock's clock is {} {} real time (moved or frozen) and {evidence}: the token was \
         signed by real time. In tests, sign by freshmock's clock (Node: appClock from \
         'freshmock/clock'; Python: freshmock.clock.now()): see {CLOCK_RECIPE}",
        human_duration(gap),
        if gap > 0 { "ahead of" } else { "behind" },
    ));
    refused
}

/// [`verify`]'s checks in Freshdesk's order, at `now`.
fn judge(token: &str, keys: Keys<'_>, now: i64) -> Result<Claims, TokenError> {
    let token = token.trim();
    let segments = ruby_split(token);
    if segments.len() != 3 {
        return Err(unauthorized(
            SEGMENTS,
            segments_reason(token, segments.len()),
        ));
    }
    let header = decode_json(segments[0])
        .ok_or_else(|| unauthorized(ENCODING, encoding_reason(token, "header (first segment)")))?;
    let payload = decode_json(segments[1]).ok_or_else(|| {
        unauthorized(ENCODING, encoding_reason(token, "payload (second segment)"))
    })?;

    // Time claims first, before the signature, with no leeway.
    if let Some(exp) = payload.get("exp") {
        let exp_secs = ruby_to_i(exp).ok_or_else(|| no_to_i("exp", exp))?;
        if exp_secs < now {
            return Err(unauthorized(EXPIRED, expired_reason(exp, exp_secs, now)));
        }
    }
    if let Some(nbf) = payload.get("nbf") {
        let nbf_secs = ruby_to_i(nbf).ok_or_else(|| no_to_i("nbf", nbf))?;
        if nbf_secs > now {
            return Err(unauthorized(
                NBF,
                format!(
                    "nbf is {} ahead (nbf {nbf_secs} = {}, now {now} = {}): the token is not valid yet; is the signing server's clock ahead of freshmock's?",
                    human_duration(nbf_secs.saturating_sub(now)),
                    format_timestamp(nbf_secs),
                    format_timestamp(now)
                ),
            ));
        }
    }

    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if matches!(alg_name, "RS256" | "RS384" | "RS512") {
        return Err(TokenError {
            rejection: Rejection::FreshdeskCrash,
            reason: format!(
                "the token says alg {alg_name}: ruby-jwt 1.5.4 then verifies an RSA signature \
                 with the widget secret, a string, and raises an error Freshdesk does not \
                 catch: its 500 is Freshdesk's own crash, reproduced here. Sign with HS256"
            ),
        });
    }
    let Some(alg) = hmac_algorithm(alg_name) else {
        return Err(unauthorized(ALGORITHM, algorithm_reason(header.get("alg"))));
    };
    let signing_input = &token[..segments[0].len() + 1 + segments[1].len()];
    let signature = lenient_base64(segments[2]).unwrap_or_default();
    if !signed_with(keys.current, alg, signing_input, &signature) {
        return Err(unauthorized(
            SIGNATURE,
            signature_reason(keys, alg, alg_name, signing_input, &signature),
        ));
    }

    let claims = check_payload(&payload, alg_name)?;
    if !claims.email.is_empty() && claims.exp > now.saturating_add(MAX_TTL_SECS) {
        return Err(TokenError {
            rejection: Rejection::TooFarAhead,
            reason: too_far_reason(claims.exp, now),
        });
    }
    Ok(claims)
}

/// Tokens already accepted with the current secret, remembered at most this many.
const REMEMBERED_TOKENS: usize = 1024;

/// Tokens that [`verify`] accepted with the current secret. A test suite sends the same
/// token with every call; when it comes again, the signature and payload checks (which
/// depend only on the token and the secret) are not repeated, while the time checks,
/// which depend on when it is used, are: the answer is always [`verify`]'s.
#[derive(Debug, Default)]
pub struct AcceptedTokens {
    secret: String,
    tokens: rustc_hash::FxHashMap<String, Accepted>,
}

/// An accepted token's claims, with its `exp` and `nbf` claims as the time checks read
/// them, read once: finding them in the payload again was a sixth of a remembered
/// token's check.
#[derive(Debug)]
struct Accepted {
    claims: Arc<Claims>,
    exp: TimeClaim,
    nbf: TimeClaim,
}

/// A time claim of the payload: absent, a whole number of seconds, or unreadable as one
/// (`Some(None)`, which no time passes).
type TimeClaim = Option<Option<i64>>;

fn time_claim(payload: &Value, name: &str) -> TimeClaim {
    payload.get(name).map(ruby_to_i)
}

impl AcceptedTokens {
    /// [`verify`], remembering what it accepts.
    pub fn verify(
        &mut self,
        token: &str,
        keys: Keys<'_>,
        now: i64,
    ) -> Result<Arc<Claims>, TokenError> {
        if self.secret != keys.current {
            self.tokens.clear();
            keys.current.clone_into(&mut self.secret);
        }
        if let Some(known) = self.tokens.get(token) {
            if time_checks_pass(known, now) {
                return Ok(known.claims.clone());
            }
        }
        let claims = Arc::new(verify(token, keys, now)?);
        if self.tokens.len() >= REMEMBERED_TOKENS {
            self.tokens.clear();
        }
        let accepted = Accepted {
            exp: time_claim(&claims.payload, "exp"),
            nbf: time_claim(&claims.payload, "nbf"),
            claims: claims.clone(),
        };
        self.tokens.insert(token.to_owned(), accepted);
        Ok(claims)
    }
}

/// [`verify`]'s checks that depend on the time, for a token that passed all the others:
/// not expired, not before `nbf`, and `exp` at most two hours ahead.
fn time_checks_pass(token: &Accepted, now: i64) -> bool {
    token.exp.is_none_or(|e| e.is_some_and(|e| e >= now))
        && token.nbf.is_none_or(|n| n.is_some_and(|n| n <= now))
        && token.claims.exp <= now.saturating_add(MAX_TTL_SECS)
}

/// Ruby's `String#split('.')`: trailing empty fields are dropped, so `"h.p."` has two.
fn ruby_split(token: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = token.split('.').collect();
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// Ruby's `Base64.decode64` on the URL-safe alphabet: characters outside the alphabet are
/// skipped and decoding stops at padding, so only truly empty input yields nothing.
fn lenient_base64(segment: &str) -> Option<Vec<u8>> {
    let mut cleaned: String = segment
        .chars()
        .take_while(|c| *c != '=')
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if cleaned.len() % 4 == 1 {
        cleaned.pop();
    }
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    LENIENT.decode(cleaned).ok()
}

/// The payload of a token, decoded without any check (for logs and explanations).
pub fn peek_payload(token: &str) -> Option<Value> {
    let segments = ruby_split(token.trim());
    decode_json(segments.get(1)?).map(Value::Object)
}

fn decode_json(segment: &str) -> Option<Map<String, Value>> {
    let bytes = lenient_base64(segment)?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A time claim the gem cannot read: Freshdesk's own crash.
fn no_to_i(claim: &str, value: &Value) -> TokenError {
    TokenError {
        rejection: Rejection::FreshdeskCrash,
        reason: format!(
            "{claim} is {value}: ruby-jwt 1.5.4 calls to_i on it, which raises NoMethodError, \
             and Freshdesk does not catch it: its 500 is Freshdesk's own crash, reproduced \
             here. Send {claim} as a number of Unix seconds"
        ),
    }
}

/// Ruby's `to_i` as the gem applies it to `exp` and `nbf`: numbers truncate, strings read
/// their leading integer, `null` is 0; `true`, `false`, arrays and objects have no `to_i`
/// (`None`: the gem raises `NoMethodError`).
fn ruby_to_i(value: &Value) -> Option<i64> {
    Some(match value {
        Value::Null => 0,
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => return None,
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_u64().map(|u| u.min(i64::MAX as u64) as i64))
            .unwrap_or_else(|| n.as_f64().unwrap_or(0.0) as i64),
        Value::String(s) => {
            let s = s.trim_start();
            let (sign, digits) = match s.strip_prefix('-') {
                Some(rest) => (-1, rest),
                None => (1, s.strip_prefix('+').unwrap_or(s)),
            };
            let digits: String = digits
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '_')
                .filter(|c| *c != '_')
                .collect();
            digits.parse::<i64>().map_or(0, |n| sign * n)
        }
    })
}

/// The algorithms Freshdesk's widget accepts: HMAC only (a JWT library's RSA, EC and EdDSA
/// code, reachable through its one `sign` for every algorithm, was 0.45 MB of the binary).
#[derive(Debug, Clone, Copy)]
enum Algorithm {
    HS256,
    HS384,
    HS512,
}

fn hmac_algorithm(name: &str) -> Option<Algorithm> {
    match name {
        "HS256" => Some(Algorithm::HS256),
        "HS384" => Some(Algorithm::HS384),
        "HS512" => Some(Algorithm::HS512),
        _ => None,
    }
}

fn signed_with(key: &str, alg: Algorithm, signing_input: &str, signature: &[u8]) -> bool {
    verified(key.as_bytes(), alg, signing_input, signature)
}

/// Whether `signature` is `input`'s HMAC under `key`, compared in constant time (hmac's
/// `verify_slice`), so the time a refusal takes says nothing of how much of it was right.
fn verified(key: &[u8], alg: Algorithm, input: &str, signature: &[u8]) -> bool {
    fn verify<M: Mac + hmac::digest::KeyInit>(key: &[u8], input: &str, signature: &[u8]) -> bool {
        <M as hmac::digest::KeyInit>::new_from_slice(key).is_ok_and(|mut mac| {
            mac.update(input.as_bytes());
            mac.verify_slice(signature).is_ok()
        })
    }
    match alg {
        Algorithm::HS256 => verify::<Hmac<Sha256>>(key, input, signature),
        Algorithm::HS384 => verify::<Hmac<Sha384>>(key, input, signature),
        Algorithm::HS512 => verify::<Hmac<Sha512>>(key, input, signature),
    }
}

fn hmac(key: &[u8], alg: Algorithm, input: &str) -> Option<Vec<u8>> {
    fn sign<M: Mac + hmac::digest::KeyInit>(key: &[u8], input: &str) -> Option<Vec<u8>> {
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).ok()?;
        mac.update(input.as_bytes());
        Some(mac.finalize().into_bytes().to_vec())
    }
    match alg {
        Algorithm::HS256 => sign::<Hmac<Sha256>>(key, input),
        Algorithm::HS384 => sign::<Hmac<Sha384>>(key, input),
        Algorithm::HS512 => sign::<Hmac<Sha512>>(key, input),
    }
}

/// The payload checks, first failure only, in Freshdesk's order: name, email, exp.
///
/// An empty payload (`{}`) is not checked at all: Freshdesk validates it only when
/// `payload.present?`, and `{}` is not. The claims come back blank, and the caller finds no
/// user for them (404 `absent_in_db`).
fn check_payload(payload: &Map<String, Value>, alg: &str) -> Result<Claims, TokenError> {
    if payload.is_empty() {
        return Ok(Claims {
            name: String::new(),
            email: String::new(),
            exp: 0,
            alg: alg.to_owned(),
            payload: Value::Object(Map::new()),
        });
    }
    let name = string_claim(payload, "name")?;
    let email = string_claim(payload, "email")?;
    if !is_valid_email(&email) {
        return Err(TokenError {
            rejection: Rejection::Payload {
                claim: "email",
                code: "invalid_value",
                message: "It should be in the 'valid email address' format".into(),
            },
            reason: format!("email {email:?} is not an email address Freshdesk accepts"),
        });
    }
    let exp = match payload.get("exp") {
        None => {
            return Err(payload_error(
                "exp",
                "missing_field",
                "Field is missing/blank",
                "the payload has no exp claim; Freshdesk requires name, email and exp (Unix seconds, at most 2 hours ahead)",
            ))
        }
        // A float or a numeric string passes the gem's expiry check (to_i) but not this
        // one, which answers with its blank-field message (`jwt_payload_validation.rb`).
        Some(value) => match value.as_i64().filter(|n| *n > 0) {
            Some(exp) => exp,
            None => {
                return Err(payload_error(
                    "exp",
                    "invalid_value",
                    "Field is missing/blank",
                    &format!("exp is {value}; it must be a JSON integer (Unix seconds), not a string or a fraction"),
                ))
            }
        },
    };
    Ok(Claims {
        name,
        email,
        exp,
        alg: alg.to_owned(),
        payload: Value::Object(payload.clone()),
    })
}

fn payload_error(
    claim: &'static str,
    code: &'static str,
    message: &str,
    reason: &str,
) -> TokenError {
    TokenError {
        rejection: Rejection::Payload {
            claim,
            code,
            message: message.to_owned(),
        },
        reason: reason.to_owned(),
    }
}

fn string_claim(payload: &Map<String, Value>, claim: &'static str) -> Result<String, TokenError> {
    match payload.get(claim) {
        None => Err(payload_error(
            claim,
            "missing_field",
            "Field is missing/blank",
            &format!("the payload has no {claim} claim; Freshdesk requires name, email and exp"),
        )),
        Some(Value::String(s)) if !s.trim().is_empty() => {
            let chars = s.chars().count();
            if chars > MAX_CLAIM_CHARS {
                // Assumed wording: Freshdesk's usual length message.
                Err(payload_error(
                    claim,
                    "invalid_value",
                    &format!("Has {chars} characters, it can have maximum of {MAX_CLAIM_CHARS} characters"),
                    &format!("{claim} has {chars} characters; the limit is {MAX_CLAIM_CHARS}"),
                ))
            } else {
                Ok(s.clone())
            }
        }
        Some(other) => Err(payload_error(
            claim,
            "invalid_value",
            "Field is missing/blank",
            &format!("{claim} is {other}; it must be a non-blank string"),
        )),
    }
}

fn segments_reason(token: &str, count: usize) -> String {
    let mut reason = format!(
        "the token has {count} dot-separated segment{}; a JWT has exactly 3 (header.payload.signature)",
        if count == 1 { "" } else { "s" }
    );
    if count == 2 && token.ends_with('.') {
        reason.push_str(": an unsigned (alg \"none\") token ends with an empty signature, which Freshdesk does not count; sign it with HS256 and the widget secret");
    }
    if token.starts_with("Bearer ") || token.starts_with("bearer ") {
        reason.push_str("; X-Widget-Auth takes the bare token, without 'Bearer '");
    }
    reason
}

fn encoding_reason(token: &str, which: &str) -> String {
    if token.to_ascii_lowercase().starts_with("bearer ") {
        return "the value starts with 'Bearer ': X-Widget-Auth takes the bare token, without a prefix".into();
    }
    format!("the {which} is not base64url-encoded JSON object")
}

fn expired_reason(exp: &Value, exp_secs: i64, now: i64) -> String {
    if !exp.is_number()
        && exp
            .as_str()
            .is_none_or(|s| ruby_to_i(&Value::String(s.into())) == Some(0))
    {
        return format!(
            "exp is {exp}, not a number; Freshdesk reads it as 0, so the token counts as expired; use Unix seconds"
        );
    }
    format!(
        "expired {} ago (exp {exp_secs} = {}, now {now} = {}); Freshdesk allows no leeway: renew the token before exp",
        human_duration(now.saturating_sub(exp_secs)),
        format_timestamp(exp_secs),
        format_timestamp(now)
    )
}

fn algorithm_reason(alg: Option<&Value>) -> String {
    match alg.and_then(Value::as_str) {
        None => "the header has no alg; sign with HS256 (HS384 and HS512 also work) and the widget secret".into(),
        Some(a) if a.eq_ignore_ascii_case("none") => {
            "alg \"none\" (an unsigned token) is refused; sign with HS256 and the widget secret".into()
        }
        Some(a) if a.starts_with("RS") || a.starts_with("ES") || a.starts_with("PS") || a == "EdDSA" => format!(
            "alg {a} uses a key pair; Freshdesk only verifies HMAC tokens (HS256, HS384, HS512) signed with the widget secret"
        ),
        Some(a) if hmac_algorithm(&a.to_ascii_uppercase()).is_some() => {
            format!("alg {a:?} must be written in capitals: {}", a.to_ascii_uppercase())
        }
        Some(a) => format!("alg {a:?} is not supported; use HS256, HS384 or HS512"),
    }
}

/// Works out, where it can, which key the token was really signed with.
fn signature_reason(
    keys: Keys<'_>,
    alg: Algorithm,
    alg_name: &str,
    input: &str,
    signature: &[u8],
) -> String {
    for (former, replaced_at) in keys.former.iter().rev() {
        if signed_with(former, alg, input, signature) {
            return format!(
                "signed with {alg_name} by the previous widget secret, which was replaced at {}: a secret reset logs everyone out; sign with the current secret",
                format_timestamp(*replaced_at)
            );
        }
    }
    let secret = keys.current;
    let hex_decoded: Option<Vec<u8>> = secret
        .len()
        .is_multiple_of(2)
        .then(|| {
            (0..secret.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&secret[i..i + 2], 16).ok())
                .collect()
        })
        .flatten();
    if hex_decoded.is_some_and(|k| verified(&k, alg, input, signature)) {
        return format!(
            "signed with {alg_name} by the hex-decoded secret; Freshdesk uses the {} characters of the secret as text, not the bytes they encode",
            secret.len()
        );
    }
    for (variant, what) in [
        (secret.to_ascii_uppercase(), "the secret in capitals"),
        (format!("{secret}\n"), "the secret followed by a newline"),
        (format!("{secret} "), "the secret followed by a space"),
    ] {
        if signed_with(&variant, alg, input, signature) {
            return format!("signed with {alg_name} by {what}; use the secret exactly");
        }
    }
    if signature.is_empty() {
        return "the signature segment is empty or not base64url".into();
    }
    format!("signed with {alg_name} by a different secret: this is not the widget secret freshmock holds (the account's widget secret, or --secret / FRESHMOCK_SECRET)")
}

fn too_far_reason(exp: i64, now: i64) -> String {
    let ahead = exp.saturating_sub(now);
    if exp > 100_000_000_000 {
        let years = ahead as f64 / 31_557_600.0;
        return format!(
            "exp {exp} is about {} years ahead: it looks like milliseconds (Date.now()); use seconds (Math.floor(Date.now() / 1000) + ttl)",
            group_thousands(years.round() as i64)
        );
    }
    format!(
        "exp is {ahead} s ahead ({}); the limit is {MAX_TTL_SECS} (2 h): a token may live at most two hours{}",
        human_duration(ahead),
        if ahead.saturating_sub(MAX_TTL_SECS) <= 300 {
            "; is the signing server's clock ahead of freshmock's?"
        } else {
            ""
        }
    )
}

/// `61 s`, `5 min 3 s`, `2 h 1 min`, `3 days 2 h`.
pub fn human_duration(secs: i64) -> String {
    let secs = secs.unsigned_abs();
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) if s == 0 => format!("{m} min"),
        (0, 0, _) => format!("{m} min {s} s"),
        (0, _, _) if m == 0 => format!("{h} h"),
        (0, _, _) => format!("{h} h {m} min"),
        _ if h == 0 => format!("{d} day{}", if d == 1 { "" } else { "s" }),
        _ => format!("{d} day{} {h} h", if d == 1 { "" } else { "s" }),
    }
}

fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Signs a token with any algorithm name and any secret, for tests: `HS256`, `HS384` and
/// `HS512` are really signed; `none` gets an empty signature; anything else gets a
/// signature of garbage, so that Freshdesk's algorithm check is what refuses it.
pub fn mint(alg: &str, secret: &str, payload: &Value) -> String {
    let header = serde_json::json!({ "alg": alg, "typ": "JWT" });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature = match hmac_algorithm(alg) {
        Some(a) => hmac(secret.as_bytes(), a, &input)
            .map(|s| URL_SAFE_NO_PAD.encode(s))
            .unwrap_or_default(),
        None if alg.eq_ignore_ascii_case("none") => String::new(),
        None => URL_SAFE_NO_PAD.encode(b"not-a-real-signature"),
    };
    format!("{input}.{signature}")
}

/// The usual token: HS256 over `{name, email, exp}`.
pub fn mint_for(name: &str, email: &str, exp: i64, secret: &str) -> String {
    mint(
        "HS256",
        secret,
        &serde_json::json!({ "name": name, "email": email, "exp": exp }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &str = "5f3a9c1e7b2d4f6081a3c5e7f9b1d3e5";
    const NOW: i64 = 1_767_225_600;

    fn keys() -> Keys<'static> {
        Keys {
            current: SECRET,
            former: &[],
        }
    }

    fn check(payload: Value) -> Result<Claims, TokenError> {
        verify(&mint("HS256", SECRET, &payload), keys(), NOW)
    }

    /// Real time in the clock tests: 2026-12-03T00:00:00Z.
    const REAL: i64 = 1_796_256_000;

    fn signed(payload: Value) -> String {
        mint("HS256", SECRET, &payload)
    }

    #[test]
    fn a_real_time_token_refused_after_a_clock_jump_names_the_clock() {
        let token =
            signed(json!({"name": "A", "email": "a@b.test", "iat": REAL, "exp": REAL + 3600}));
        let now = REAL + 2 * 3600 + 60;
        let late = verify_at(&token, keys(), now, REAL).unwrap_err();
        assert_eq!(late.rejection, Rejection::Unauthorized(EXPIRED));
        assert!(
            late.reason.starts_with("expired 1 h 1 min ago"),
            "{}",
            late.reason
        );
        assert!(
            late.reason
                .contains("freshmock's clock is 2 h 1 min ahead of real time")
                && late.reason.contains("it would be accepted")
                && late.reason.contains(CLOCK_RECIPE),
            "{}",
            late.reason
        );
        // Frozen in the past: the same token is far ahead.
        let far = verify_at(&token, keys(), REAL - 30 * 86_400, REAL).unwrap_err();
        assert_eq!(far.rejection, Rejection::TooFarAhead);
        assert!(
            far.reason.contains("30 days behind real time"),
            "{}",
            far.reason
        );
        // Signed by freshmock's clock: no note, and accepted.
        let by_clock = signed(json!({"name": "A", "email": "a@b.test", "exp": now + 600}));
        assert!(verify_at(&by_clock, keys(), now, REAL).is_ok());
    }

    #[test]
    fn refusals_not_caused_by_the_clock_do_not_mention_it() {
        let expired = signed(json!({"name": "A", "email": "a@b.test", "exp": REAL - 61}));
        let same_clock = verify_at(&expired, keys(), REAL, REAL).unwrap_err();
        assert!(
            !same_clock.reason.contains(CLOCK_RECIPE),
            "{}",
            same_clock.reason
        );
        // The clock moved, but the token is expired by real time too and has no real iat.
        let moved = verify_at(&expired, keys(), REAL + 7200, REAL).unwrap_err();
        assert!(!moved.reason.contains(CLOCK_RECIPE), "{}", moved.reason);
        // An iat of real time is enough to tell.
        let with_iat =
            signed(json!({"name": "A", "email": "a@b.test", "iat": REAL, "exp": REAL - 61}));
        let told = verify_at(&with_iat, keys(), REAL + 7200, REAL).unwrap_err();
        assert!(
            told.reason.contains("its iat is real time"),
            "{}",
            told.reason
        );
        // A wrong signature is not about time.
        let forged = mint(
            "HS256",
            "other",
            &json!({"name": "A", "email": "a@b.test", "exp": REAL + 7260}),
        );
        let wrong = verify_at(&forged, keys(), REAL + 7200, REAL).unwrap_err();
        assert!(!wrong.reason.contains(CLOCK_RECIPE), "{}", wrong.reason);
    }

    #[test]
    fn exp_boundaries_are_exact() {
        assert!(check(json!({"name":"A","email":"a@b.co","exp":NOW})).is_ok());
        assert!(check(json!({"name":"A","email":"a@b.co","exp":NOW + 7200})).is_ok());
        let late = check(json!({"name":"A","email":"a@b.co","exp":NOW - 61})).unwrap_err();
        assert_eq!(late.rejection, Rejection::Unauthorized(EXPIRED));
        assert!(
            late.reason.starts_with("expired 1 min 1 s ago"),
            "{}",
            late.reason
        );
        let far = check(json!({"name":"A","email":"a@b.co","exp":NOW + 7260})).unwrap_err();
        assert_eq!(far.rejection, Rejection::TooFarAhead);
        assert!(
            far.reason.contains("exp is 7260 s ahead") && far.reason.contains("the limit is 7200")
        );
    }

    /// Found by the fuzz harness: an `exp` beyond the 64-bit range in either direction is
    /// read as the nearest end of it, and the reason's arithmetic saturates there instead of
    /// overflowing (a panic in a debug build, a wrong duration in a release one).
    #[test]
    fn exps_beyond_64_bits_are_refused_with_a_reason() {
        for exp in [
            json!(-1.2878e287),
            json!(1e300),
            json!(i64::MIN),
            json!(u64::MAX),
        ] {
            let err = check(json!({"name":"A","email":"a@b.co","exp":exp})).unwrap_err();
            assert!(!err.reason.is_empty(), "{exp}");
        }
        let nbf = check(json!({"name":"A","email":"a@b.co","exp":NOW,"nbf":i64::MAX}));
        assert_eq!(nbf.unwrap_err().rejection, Rejection::Unauthorized(NBF));
    }

    #[test]
    fn milliseconds_are_named_as_such() {
        let err = check(json!({"name":"A","email":"a@b.co","exp":NOW * 1000})).unwrap_err();
        assert_eq!(err.rejection, Rejection::TooFarAhead);
        assert!(
            err.reason.contains("it looks like milliseconds"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn ruby_split_drops_trailing_empty_segments() {
        assert_eq!(ruby_split("a.b.").len(), 2);
        assert_eq!(ruby_split("a.b.c.").len(), 3);
        assert_eq!(ruby_split("a..c").len(), 3);
        let none = mint(
            "none",
            SECRET,
            &json!({"name":"A","email":"a@b.co","exp":NOW}),
        );
        let err = verify(&none, keys(), NOW).unwrap_err();
        assert_eq!(err.rejection, Rejection::Unauthorized(SEGMENTS));
    }

    #[test]
    fn expiry_is_checked_before_the_signature() {
        let token = mint(
            "HS256",
            "0123456789abcdef0123456789abcdef",
            &json!({"name":"A","email":"a@b.co","exp":NOW - 1}),
        );
        assert_eq!(
            verify(&token, keys(), NOW).unwrap_err().rejection,
            Rejection::Unauthorized(EXPIRED)
        );
    }

    #[test]
    fn former_and_hex_decoded_secrets_are_recognised() {
        let old = "0123456789abcdef0123456789abcdef".to_owned();
        let token = mint(
            "HS256",
            &old,
            &json!({"name":"A","email":"a@b.co","exp":NOW + 60}),
        );
        let former = [(old, NOW - 10)];
        let err = verify(
            &token,
            Keys {
                current: SECRET,
                former: &former,
            },
            NOW,
        )
        .unwrap_err();
        assert!(
            err.reason.contains("previous widget secret"),
            "{}",
            err.reason
        );

        let bytes: Vec<u8> = (0..16)
            .map(|i| u8::from_str_radix(&SECRET[i * 2..i * 2 + 2], 16).unwrap())
            .collect();
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#),
            URL_SAFE_NO_PAD.encode(r#"{"name":"A","email":"a@b.co","exp":1767225660}"#)
        );
        let sig = URL_SAFE_NO_PAD.encode(hmac(&bytes, Algorithm::HS256, &input).unwrap());
        let err = verify(&format!("{input}.{sig}"), keys(), NOW).unwrap_err();
        assert!(err.reason.contains("hex-decoded"), "{}", err.reason);
    }

    #[test]
    fn non_numeric_exp_counts_as_expired_and_numeric_strings_fail_later() {
        let err = check(json!({"name":"A","email":"a@b.co","exp":"tomorrow"})).unwrap_err();
        assert_eq!(err.rejection, Rejection::Unauthorized(EXPIRED));
        assert!(err.reason.contains("not a number"));
        let err =
            check(json!({"name":"A","email":"a@b.co","exp":(NOW + 60).to_string()})).unwrap_err();
        assert!(matches!(
            err.rejection,
            Rejection::Payload { claim: "exp", .. }
        ));
    }

    #[test]
    fn payload_checks_run_in_order() {
        let err = check(json!({"exp": NOW + 60})).unwrap_err();
        assert!(matches!(
            err.rejection,
            Rejection::Payload {
                claim: "name",
                code: "missing_field",
                ..
            }
        ));
        let err = check(json!({"name": " ", "exp": NOW + 60})).unwrap_err();
        assert!(matches!(
            err.rejection,
            Rejection::Payload {
                claim: "name",
                code: "invalid_value",
                ..
            }
        ));
        let err = check(json!({"name": "A", "email": "nope", "exp": NOW + 60})).unwrap_err();
        assert!(matches!(
            err.rejection,
            Rejection::Payload {
                claim: "email",
                code: "invalid_value",
                ..
            }
        ));
        let err = check(json!({"name": "A".repeat(256), "email": "a@b.co", "exp": NOW + 60}))
            .unwrap_err();
        assert!(matches!(
            err.rejection,
            Rejection::Payload {
                claim: "name",
                code: "invalid_value",
                ..
            }
        ));
    }

    #[test]
    fn lenient_base64_matches_ruby_decode64() {
        assert_eq!(lenient_base64("eyJhIjoxfQ").unwrap(), br#"{"a":1}"#);
        assert_eq!(lenient_base64("eyJhIjoxfQ==").unwrap(), br#"{"a":1}"#);
        assert_eq!(lenient_base64("eyJh Ijox fQ").unwrap(), br#"{"a":1}"#);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(61), "1 min 1 s");
        assert_eq!(human_duration(7260), "2 h 1 min");
        assert_eq!(group_thousands(55834), "55,834");
    }

    #[test]
    fn remembered_tokens_get_the_same_answers_as_fresh_ones() {
        let mut accepted = AcceptedTokens::default();
        let nbf = mint(
            "HS256",
            SECRET,
            &json!({"name":"A","email":"a@b.co","exp":NOW + 3600,"nbf":NOW}),
        );
        let token = mint(
            "HS256",
            SECRET,
            &json!({"name":"A","email":"a@b.co","exp":NOW + 60}),
        );
        for (t, now) in [
            (&token, NOW),
            (&token, NOW + 60),
            (&token, NOW + 61),
            (&token, NOW),
            (&nbf, NOW),
            (&nbf, NOW - 1),
            (&token, NOW - 7141),
        ] {
            assert_eq!(
                accepted.verify(t, keys(), now).map(|c| (*c).clone()),
                verify(t, keys(), now)
            );
        }
        let other = Keys {
            current: "0123456789abcdef0123456789abcdef",
            former: &[],
        };
        assert_eq!(
            accepted.verify(&token, other, NOW).unwrap_err().rejection,
            Rejection::Unauthorized(SIGNATURE)
        );
        assert!(accepted.verify(&token, keys(), NOW).is_ok());
    }
}
