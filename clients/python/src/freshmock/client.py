"""The control-plane client: one method per documented operation (``OPERATIONS``, checked
against a running server's OpenAPI document by the tests) and the waits."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional

import requests

#: The longest wait the server takes, in seconds.
MAX_WAIT = 30.0

#: "METHOD path" of every documented control operation -> the method that makes it.
OPERATIONS: Dict[str, str] = {
    "GET /_freshmock/health": "health",
    "GET /_freshmock/openapi.json": "openapi",
    "GET /_freshmock/openapi/widget.json": "widget_openapi",
    "POST /_freshmock/reset": "reset",
    "GET /_freshmock/fixtures": "fixtures",
    "PUT /_freshmock/fixtures": "replace_fixtures",
    "GET /_freshmock/clock": "clock",
    "PUT /_freshmock/clock": "set_clock",
    "POST /_freshmock/clock/advance": "advance_clock",
    "POST /_freshmock/clock/freeze": "freeze_clock",
    "POST /_freshmock/clock/unfreeze": "unfreeze_clock",
    "POST /_freshmock/tokens": "mint_token",
    "POST /_freshmock/tokens/explain": "explain_token",
    "GET /_freshmock/secret": "secret",
    "POST /_freshmock/secret/rotate": "rotate_secret",
    "GET /_freshmock/contacts": "contacts",
    "GET /_freshmock/kb": "kb",
    "GET /_freshmock/view-as": "view_as",
    "GET /_freshmock/ui": "dashboard",
    "GET /_freshmock/ui/{file}": "dashboard_file",
    "GET /_freshmock/requests": "requests",
    "DELETE /_freshmock/requests": "clear_requests",
    "GET /_freshmock/requests/count": "count_requests",
    "GET /_freshmock/events": "events",
    "GET /_freshmock/widget/sync": "widget_sync",
    "GET /_freshmock/faults": "faults",
    "POST /_freshmock/faults": "add_fault",
    "DELETE /_freshmock/faults": "clear_faults",
    "DELETE /_freshmock/faults/{id}": "remove_fault",
    "GET /_freshmock/tickets": "tickets",
    "GET /_freshmock/tickets/{id}": "ticket",
    "GET /_freshmock/votes": "votes",
    "GET /_freshmock/hits": "hits",
    "GET /_freshmock/state": "export_state",
    "PUT /_freshmock/state": "import_state",
}


def describe_entry(e: Dict[str, Any]) -> str:
    """One request-log entry in a line, with freshmock's reason."""
    query = f"?{e['query']}" if e.get("query") else ""
    who = f" ({e['email']})" if e.get("email") else ""
    token = f" token {e['token']}" if e.get("token", "none") != "none" else ""
    reason = f": {e['reason']}" if e.get("reason") else ""
    return f"  #{e['id']} {e['method']} {e['path']}{query} -> {e['status']}{who}{token}{reason}"


class FreshmockError(Exception):
    """A control call the server refused: ``status``, the server's ``code`` and ``message``,
    and its ``X-Freshmock-Reason`` when sent."""

    def __init__(self, method: str, path: str, status: int, body: Any, reason: Optional[str]):
        self.status = status
        self.body = body
        self.code = body.get("code") if isinstance(body, dict) else None
        self.message = body.get("message") if isinstance(body, dict) else str(body)
        self.reason = reason
        code = f" {self.code}" if self.code else ""
        super().__init__(f"{method} {path} answered {status}{code}: {self.message or reason or ''}")


class WaitTimeout(FreshmockError):
    """A wait that ended before enough entries matched (408 ``wait_timeout``); ``seen`` is the
    answer as it stood."""

    def __init__(self, method: str, path: str, body: Any, reason: Optional[str]):
        super().__init__(method, path, 408, body, reason)
        self.seen = body.get("seen") if isinstance(body, dict) else None


def _clean(params: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _wait(timeout: float, count: int) -> Dict[str, Any]:
    if not 0 < timeout <= MAX_WAIT:
        raise ValueError(f"timeout {timeout} s: freshmock waits between 0 and {MAX_WAIT} s; wait again for longer")
    return {"wait": f"{int(timeout * 1000)}ms", "count": count}


class Freshmock:
    """A client for one freshmock server's control plane."""

    def __init__(self, url: str, control_token: Optional[str] = None):
        self.url = url.rstrip("/")
        self.control_token = control_token
        self.session = requests.Session()
        if control_token:
            self.session.headers["Authorization"] = f"Bearer {control_token}"

    def at(self, path: str) -> str:
        """The URL of a path on this server."""
        return self.url + path

    def call(self, method: str, path: str, body: Any = None, params: Optional[Dict[str, Any]] = None,
             timeout: float = 30.0) -> Any:
        """One control call: JSON in and out, ``FreshmockError`` for a non-2xx answer."""
        kwargs: Dict[str, Any] = {"params": _clean(params or {}), "timeout": timeout}
        if body is not None:
            kwargs["json"] = body  # sets Content-Type: application/json
        res = self.session.request(method, self.at(path), **kwargs)
        data: Any = res.text
        if "json" in res.headers.get("content-type", "") and res.text:
            data = res.json()
        if not res.ok:
            reason = res.headers.get("x-freshmock-reason")
            if res.status_code == 408 and isinstance(data, dict) and data.get("code") == "wait_timeout":
                raise WaitTimeout(method, path, data, reason)
            raise FreshmockError(method, path, res.status_code, data, reason)
        return data

    # ---- server ---------------------------------------------------------------------------
    def health(self) -> Dict[str, Any]:
        return self.call("GET", "/_freshmock/health")

    def openapi(self) -> Dict[str, Any]:
        return self.call("GET", "/_freshmock/openapi.json")

    def widget_openapi(self) -> Dict[str, Any]:
        return self.call("GET", "/_freshmock/openapi/widget.json")

    def reset(self) -> Any:
        return self.call("POST", "/_freshmock/reset")

    def fixtures(self) -> Dict[str, Any]:
        return self.call("GET", "/_freshmock/fixtures")

    def replace_fixtures(self, fixtures: Dict[str, Any]) -> Any:
        return self.call("PUT", "/_freshmock/fixtures", fixtures)

    def export_state(self) -> Dict[str, Any]:
        """Everything the API changed, as one document (``GET /_freshmock/state``)."""
        return self.call("GET", "/_freshmock/state")

    def import_state(self, state: Dict[str, Any]) -> Any:
        """Restores an ``export_state`` document; a bad one changes nothing."""
        return self.call("PUT", "/_freshmock/state", state)

    def dashboard(self) -> str:
        return self.call("GET", "/_freshmock/ui")

    def dashboard_file(self, file: str) -> str:
        return self.call("GET", f"/_freshmock/ui/{file}")

    # ---- clock ----------------------------------------------------------------------------
    def clock(self) -> Dict[str, Any]:
        return self.call("GET", "/_freshmock/clock")

    def set_clock(self, now: Optional[str] = None, now_ms: Optional[int] = None) -> Dict[str, Any]:
        return self.call("PUT", "/_freshmock/clock", _clean({"now": now, "now_ms": now_ms}))

    def advance_clock(self, seconds: Optional[float] = None, by: Optional[str] = None, ms: Optional[int] = None) -> Dict[str, Any]:
        """Move the clock: ``advance_clock(61)``, ``advance_clock(by="90m")``; negative moves back."""
        return self.call("POST", "/_freshmock/clock/advance", _clean({"seconds": seconds, "by": by, "ms": ms}))

    def freeze_clock(self) -> Dict[str, Any]:
        return self.call("POST", "/_freshmock/clock/freeze")

    def unfreeze_clock(self) -> Dict[str, Any]:
        return self.call("POST", "/_freshmock/clock/unfreeze")

    # ---- tokens and secret ------------------------------------------------------------------
    def mint_token(self, **request: Any) -> Dict[str, Any]:
        """``POST /_freshmock/tokens`` with any of email, name, ttl, ttl_seconds, exp, alg,
        secret, claims: the whole answer."""
        return self.call("POST", "/_freshmock/tokens", request)

    def token(self, email: str, ttl: Any = None, **more: Any) -> str:
        """A widget token for a fixture user, signed with the current secret by the server's
        clock; ``ttl`` in seconds or as a duration ("90m")."""
        if isinstance(ttl, (int, float)):
            more["ttl_seconds"] = int(ttl)
        elif ttl is not None:
            more["ttl"] = ttl
        return self.mint_token(email=email, **more)["token"]

    def explain_token(self, token: str) -> Dict[str, Any]:
        return self.call("POST", "/_freshmock/tokens/explain", {"token": token})

    def secret(self) -> Dict[str, Any]:
        return self.call("GET", "/_freshmock/secret")

    def rotate_secret(self) -> Dict[str, Any]:
        return self.call("POST", "/_freshmock/secret/rotate")

    # ---- inspection ---------------------------------------------------------------------------
    def contacts(self, email: Optional[str] = None) -> List[Dict[str, Any]]:
        return self.call("GET", "/_freshmock/contacts", params={"email": email})

    def kb(self) -> Any:
        return self.call("GET", "/_freshmock/kb")

    def view_as(self, **params: Any) -> Dict[str, Any]:
        return self.call("GET", "/_freshmock/view-as", params=params)

    def tickets(self, email: Optional[str] = None, subject: Optional[str] = None, text: Optional[str] = None,
                since: Optional[int] = None) -> List[Dict[str, Any]]:
        """Tickets: ``email`` (the requester's), ``subject`` / ``text`` (what the subject /
        description contains, ignoring case), ``since`` (numbered after this id)."""
        return self.call("GET", "/_freshmock/tickets",
                         params={"email": email, "subject": subject, "text": text, "since": since})

    def ticket(self, id: int) -> Dict[str, Any]:
        return self.call("GET", f"/_freshmock/tickets/{id}")

    def votes(self, article: Optional[int] = None, email: Optional[str] = None) -> Any:
        return self.call("GET", "/_freshmock/votes", params={"article": article, "email": email})

    def hits(self, article: Optional[int] = None) -> List[Dict[str, Any]]:
        return self.call("GET", "/_freshmock/hits", params={"article": article})

    # ---- waits: answered by the server as soon as enough entries match ---------------------
    def wait_for_tickets(self, email: Optional[str] = None, count: int = 1, timeout: float = 10.0,
                         subject: Optional[str] = None, text: Optional[str] = None,
                         since: Optional[int] = None) -> List[Dict[str, Any]]:
        """Tickets matching the filters (as ``tickets``), once at least ``count`` exist;
        ``WaitTimeout`` after ``timeout`` seconds (at most 30)."""
        params = {"email": email, "subject": subject, "text": text, "since": since, **_wait(timeout, count)}
        return self.call("GET", "/_freshmock/tickets", params=params, timeout=timeout + 10)

    def wait_for_ticket(self, email: Optional[str] = None, timeout: float = 10.0, subject: Optional[str] = None,
                        text: Optional[str] = None, since: Optional[int] = None) -> Dict[str, Any]:
        """The newest ticket matching the filters, awaited as ``wait_for_tickets``."""
        return self.wait_for_tickets(email=email, timeout=timeout, subject=subject, text=text, since=since)[-1]

    def wait_for_votes(self, article: Optional[int] = None, email: Optional[str] = None, count: int = 1,
                       timeout: float = 10.0) -> Any:
        params = {"article": article, "email": email, **_wait(timeout, count)}
        return self.call("GET", "/_freshmock/votes", params=params, timeout=timeout + 10)

    # ---- request log ----------------------------------------------------------------------
    def requests(self, **filters: Any) -> Dict[str, Any]:
        """``{capacity, entries}``; filters: email, path, route, status, method, token, outcome,
        limit, since."""
        return self.call("GET", "/_freshmock/requests", params=filters)

    def wait_for_requests(self, count: int = 1, timeout: float = 10.0, **filters: Any) -> List[Dict[str, Any]]:
        """Log entries matching ``filters``, once at least ``count`` exist; pass
        ``since=last_id`` to await only newer ones."""
        params = {**filters, **_wait(timeout, count)}
        return self.call("GET", "/_freshmock/requests", params=params, timeout=timeout + 10)["entries"]

    def count_requests(self, **filters: Any) -> int:
        return self.call("GET", "/_freshmock/requests/count", params=filters)["count"]

    def clear_requests(self) -> Any:
        return self.call("DELETE", "/_freshmock/requests")

    # ---- verification (WireMock's verify) ------------------------------------------------------
    def verify(self, count: Optional[int] = None, at_least: Optional[int] = None, **filters: Any) -> List[Dict[str, Any]]:
        """Asserts how many logged requests match ``filters`` (path, route, method, status,
        email, ``token="refused"|"accepted"|"none"``, ``outcome="refused"|"unmatched"|"failed"|"ok"``,
        since): exactly ``count``, or at least ``at_least`` (default at least 1). Raises
        ``AssertionError`` listing what matched, with freshmock's reasons."""
        entries = self.requests(**filters)["entries"]
        ok = len(entries) == count if count is not None else len(entries) >= (at_least or 1)
        if not ok:
            wanted = f"exactly {count}" if count is not None else f"at least {at_least or 1}"
            listed = "".join("\n" + describe_entry(e) for e in entries)
            raise AssertionError(f"expected {wanted} request(s) matching {filters}, found {len(entries)}{listed}")
        return entries

    def refused_requests(self, **filters: Any) -> List[Dict[str, Any]]:
        """Requests whose widget token was refused, each with its ``reason``."""
        return self.requests(**{**filters, "outcome": "refused"})["entries"]

    def expect_no_refused_tokens(self, **filters: Any) -> None:
        """Raises ``AssertionError``, printing each refusal's reason, if any widget token was
        refused."""
        refused = self.refused_requests(**filters)
        if refused:
            listed = "".join("\n" + describe_entry(e) for e in refused)
            raise AssertionError(f"{len(refused)} request(s) had their widget token refused:{listed}")

    # ---- faults -----------------------------------------------------------------------------
    def faults(self) -> List[Dict[str, Any]]:
        return self.call("GET", "/_freshmock/faults")

    def add_fault(self, path: str, **fault: Any) -> Dict[str, Any]:
        """``add_fault("/api/widget/search/*", status=503, times=1)``; also latency_ms,
        drop, body, method."""
        return self.call("POST", "/_freshmock/faults", {"path": path, **fault})

    def clear_faults(self) -> Any:
        return self.call("DELETE", "/_freshmock/faults")

    def remove_fault(self, id: int) -> Any:
        return self.call("DELETE", f"/_freshmock/faults/{id}")

    # ---- event streams ------------------------------------------------------------------------
    def events(self, timeout: float = 60.0) -> Iterator[Dict[str, Any]]:
        """Server-sent events as ``{"event", "data"}``; stop by leaving the loop."""
        return self._stream("/_freshmock/events", timeout)

    def widget_sync(self, timeout: float = 60.0) -> Iterator[Dict[str, Any]]:
        return self._stream("/_freshmock/widget/sync", timeout)

    def _stream(self, path: str, timeout: float) -> Iterator[Dict[str, Any]]:
        with self.session.get(self.at(path), stream=True, timeout=timeout,
                              headers={"Accept": "text/event-stream"}) as res:
            if not res.ok:
                raise FreshmockError("GET", path, res.status_code, res.text, None)
            event, data = "message", []
            for line in res.iter_lines(decode_unicode=True):
                if line == "":
                    if data:
                        text = "\n".join(data)
                        try:
                            value: Any = json.loads(text)
                        except ValueError:
                            value = text
                        yield {"event": event, "data": value}
                    event, data = "message", []
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
