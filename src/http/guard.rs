//! The perimeter: which requests freshmock serves at all, checked before any route runs.
//!
//! freshmock runs on developers' machines next to their browser. It holds the widget secret,
//! mints valid tokens and can reset the whole server, so two kinds of web page must not reach
//! the control plane:
//!
//! - **DNS rebinding**: a page on `attacker.example` whose name is made to resolve to
//!   127.0.0.1 is, to the browser, same-origin with freshmock. The `Host` header still says
//!   `attacker.example`, so a server bound to loopback serves only loopback names and
//!   addresses, and the names given with `--allow-host`.
//! - **Cross-site writes**: any page can send a "simple" POST to any address without asking
//!   (no preflight). A state-changing control call whose `Origin` is not freshmock's own, or
//!   that the browser marks `Sec-Fetch-Site: cross-site`, is refused. Test clients send no
//!   `Origin` and are unaffected; the dashboard is same-origin; the widget API stays open to
//!   every origin, as Freshdesk's is.

use std::net::{Ipv4Addr, Ipv6Addr};

use http::header::{HOST, ORIGIN};
use http::{HeaderMap, Method, StatusCode};

use super::error::ApiError;
use crate::state::AppState;

/// Refuses a request whose `Host` a loopback-bound server should not serve.
pub fn host(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    check_host(state.loopback_only(), state.allowed_hosts(), headers)
}

/// [`host`] on its parts: `allowed` as given to `--allow-host` (any case, maybe with a
/// port); one starting with `.` allows its subdomains too.
fn check_host(
    loopback_only: bool,
    allowed: &[String],
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    if !loopback_only {
        return Ok(());
    }
    // HTTP/1.0 clients may leave it out; a browser never does, so a rebinding page
    // cannot.
    let Some(value) = headers.get(HOST) else {
        return Ok(());
    };
    // Every request comes here: the usual loopback names are recognised without copying.
    if let Ok(text) = value.to_str() {
        if is_loopback_name(bare_host(text)) {
            return Ok(());
        }
    }
    let text = String::from_utf8_lossy(value.as_bytes());
    let name = host_name(&text);
    if is_loopback_name(&name) || allowed.iter().any(|a| allows(a, &name)) {
        return Ok(());
    }
    Err(ApiError::control(
        StatusCode::FORBIDDEN,
        "host_not_allowed",
        format!(
            "freshmock listens on loopback and serves only localhost, 127.0.0.0/8 and [::1]; \
             the Host {text:?} is none of them (a page using DNS rebinding looks like this). \
             To serve this name, start freshmock with --allow-host {name} \
             (or FRESHMOCK_ALLOW_HOST)"
        ),
    ))
}

fn allows(allowed: &str, name: &str) -> bool {
    let allowed = host_name(allowed);
    match allowed.strip_prefix('.') {
        Some(domain) => name == domain || name.ends_with(allowed.as_str()),
        None => name == allowed,
    }
}

/// The host part of a `Host` value, lowercase, without its port, brackets or final dot.
fn host_name(host: &str) -> String {
    bare_host(host).to_ascii_lowercase()
}

/// The host part of a `Host` value as written, without its port, brackets or final dot.
fn bare_host(host: &str) -> &str {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    name.trim_end_matches('.')
}

/// `localhost` and its subdomains (browsers resolve them to loopback themselves, so no DNS
/// answer can rebind them), 127.0.0.0/8, and ::1 (also IPv4-mapped); in any case.
fn is_loopback_name(name: &str) -> bool {
    // What nearly every request says, known without parsing an address (every request
    // comes here; parsing 127.0.0.1 took a few hundred instructions).
    if name == "127.0.0.1" {
        return true;
    }
    const SUFFIX: &str = ".localhost";
    let subdomain = name.len() > SUFFIX.len()
        && name.is_char_boundary(name.len() - SUFFIX.len())
        && name[name.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX);
    if name.eq_ignore_ascii_case("localhost") || subdomain {
        return true;
    }
    if let Ok(v4) = name.parse::<Ipv4Addr>() {
        return v4.is_loopback();
    }
    if let Ok(v6) = name.parse::<Ipv6Addr>() {
        return v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback());
    }
    false
}

/// Refuses a state-changing control call sent by a page of another site.
pub fn same_origin_write(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let refuse = |why: String| {
        Err(ApiError::control(
            StatusCode::FORBIDDEN,
            "cross_site_request",
            format!(
                "{why}: control calls that change state are refused from other sites' pages \
                 (call them from a test, a script or the dashboard, which send no Origin or \
                 freshmock's own)"
            ),
        ))
    };
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return refuse("the browser marked this request Sec-Fetch-Site: cross-site".into());
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = String::from_utf8_lossy(origin.as_bytes());
    let host = headers
        .get(HOST)
        .map(|h| String::from_utf8_lossy(h.as_bytes()).to_ascii_lowercase());
    let own = host.map(|h| format!("http://{h}"));
    if own.as_deref() == Some(origin.to_ascii_lowercase().as_str()) {
        return Ok(());
    }
    refuse(format!(
        "this request came from a page at {origin}, not from freshmock's own origin"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn loopback(allowed: &[&str]) -> impl Fn(&HeaderMap) -> Result<(), ApiError> {
        let allowed: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
        move |headers| check_host(true, &allowed, headers)
    }

    #[test]
    fn loopback_names_and_addresses_are_served_with_any_port() {
        let policy = loopback(&[]);
        for host in [
            "localhost",
            "localhost:8787",
            "LOCALHOST.:1",
            "demo.localhost:3000",
            "127.0.0.1:8787",
            "127.1.2.3",
            "[::1]:8787",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(
                policy(&with(&[("host", host)])).is_ok(),
                "{host} should be served"
            );
        }
        assert!(policy(&HeaderMap::new()).is_ok());
    }

    #[test]
    fn other_names_are_refused_unless_allowed() {
        let policy = loopback(&["myapp.test:9000", ".dev.internal"]);
        for host in [
            "attacker.example",
            "127.0.0.1.attacker.example",
            "localhost.attacker.example",
            "10.0.0.5:8787",
            "[::2]",
        ] {
            let err = policy(&with(&[("host", host)])).unwrap_err();
            assert_eq!(err.status(), StatusCode::FORBIDDEN, "{host}");
        }
        for host in [
            "myapp.test",
            "MyApp.test:1234",
            "a.dev.internal",
            "dev.internal:1",
        ] {
            assert!(policy(&with(&[("host", host)])).is_ok(), "{host}");
        }
        assert!(check_host(false, &[], &with(&[("host", "attacker.example")])).is_ok());
    }

    #[test]
    fn writes_from_other_origins_are_refused_reads_and_own_origin_are_not() {
        let post = Method::POST;
        assert!(same_origin_write(&post, &with(&[("host", "127.0.0.1:8787")])).is_ok());
        assert!(same_origin_write(
            &post,
            &with(&[
                ("host", "127.0.0.1:8787"),
                ("origin", "http://127.0.0.1:8787")
            ])
        )
        .is_ok());
        for headers in [
            with(&[
                ("host", "127.0.0.1:8787"),
                ("origin", "http://evil.example"),
            ]),
            with(&[("host", "127.0.0.1:8787"), ("origin", "null")]),
            with(&[
                ("host", "127.0.0.1:8787"),
                ("origin", "http://localhost:3000"),
            ]),
            with(&[("host", "127.0.0.1:8787"), ("sec-fetch-site", "cross-site")]),
        ] {
            let err = same_origin_write(&post, &headers).unwrap_err();
            assert_eq!(err.status(), StatusCode::FORBIDDEN);
        }
        let evil = with(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "http://evil.example"),
        ]);
        assert!(same_origin_write(&Method::GET, &evil).is_ok());
    }
}
