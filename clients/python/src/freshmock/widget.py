"""The widget's API as the fake widget calls it (``/api/widget/...``), for tests without a
browser: the ``X-Widget-Id`` and ``X-Client-Id`` headers, and ``X-Widget-Auth`` when a token
is given, are sent for you::

    widget = Widget(freshmock.url)                 # or the ``freshmock_widget`` fixture
    widget.search("password")                      # [{"id": 1101, "title": ...}]
    widget.search("password", token=alices_token)  # what Alice finds
    widget.create_ticket(email="nora@example.com", subject="Refund", description="...")

A refusal raises :class:`WidgetError` with Freshdesk's status and body and freshmock's reason.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import requests

__all__ = ["Widget", "WidgetError", "DEMO_WIDGET_ID"]

#: The bundled demo account's widget (articles and the simple contact form).
DEMO_WIDGET_ID = 12000000025


class WidgetError(Exception):
    """A widget call that did not succeed: ``status``, ``body`` (Freshdesk's) and ``reason``
    (freshmock's ``X-Freshmock-Reason``)."""

    def __init__(self, method: str, path: str, status: int, body: Any, reason: Optional[str]):
        self.status = status
        self.body = body
        self.reason = reason
        super().__init__(f"{method} {path} answered {status}: {body!r}" + (f"; freshmock: {reason}" if reason else ""))


class Widget:
    """Calls widget ``widget_id``'s API at ``url`` as client ``client_id``, optionally always
    with ``token`` (a method's own ``token=`` wins)."""

    def __init__(self, url: str, widget_id: int = DEMO_WIDGET_ID, client_id: str = "pytest",
                 token: Optional[str] = None, language: Optional[str] = None):
        self.url = url.rstrip("/")
        self.widget_id = widget_id
        self.client_id = client_id
        self.token = token
        self.language = language
        self.session = requests.Session()

    def headers(self, token: Optional[str] = None) -> Dict[str, str]:
        h = {"X-Widget-Id": str(self.widget_id), "X-Client-Id": self.client_id}
        t = token if token is not None else self.token
        if t:
            h["X-Widget-Auth"] = t
        return h

    def call(self, method: str, path: str, token: Optional[str] = None, params: Optional[Dict[str, Any]] = None,
             json: Any = None) -> Any:
        """Any widget call; the JSON answer (None for an empty one), else :class:`WidgetError`."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        if self.language and "language" not in query:
            query["language"] = self.language
        res = self.session.request(method, f"{self.url}{path}", params=query, json=json,
                                   headers=self.headers(token), timeout=30)
        reason = res.headers.get("X-Freshmock-Reason")
        if reason:
            reason = requests.utils.unquote(reason)
        try:
            body = res.json() if res.content else None
        except ValueError:
            body = res.text
        if not res.ok:
            raise WidgetError(method, path, res.status_code, body, reason)
        return body

    def bootstrap(self, token: Optional[str] = None) -> Dict[str, Any]:
        """``GET /api/widget/bootstrap``: logs the token's customer in (``{user, meta}``)."""
        return self.call("GET", "/api/widget/bootstrap", token=token)

    def search(self, term: str, token: Optional[str] = None, **params: Any) -> List[Dict[str, Any]]:
        """The articles a search finds for this caller (anonymous without a token)."""
        return self.call("GET", "/api/widget/search/solutions", token=token, params={"term": term, **params})

    def article(self, id: int, token: Optional[str] = None, **params: Any) -> Dict[str, Any]:
        """One article, if this caller may see it (a :class:`WidgetError` 404 if not)."""
        return self.call("GET", f"/api/widget/solutions/article/{id}", token=token, params=params)

    def suggested(self, token: Optional[str] = None, **params: Any) -> List[Dict[str, Any]]:
        return self.call("GET", "/api/widget/solutions/suggested_articles", token=token, params=params)

    def vote(self, id: int, helpful: bool = True, token: Optional[str] = None) -> None:
        self.call("PUT", f"/api/widget/solutions/article/{id}/{'thumbs_up' if helpful else 'thumbs_down'}", token=token)

    def create_ticket(self, token: Optional[str] = None, captcha: Optional[str] = "freshmock-captcha-pass",
                      **fields: Any) -> Dict[str, Any]:
        """``POST /api/widget/tickets`` with ``fields`` (email, name, subject, description,
        custom_fields, ...) and a passing captcha answer (``captcha=None`` for none): ``{id}``."""
        body = dict(fields)
        if captcha is not None:
            body.setdefault("g-recaptcha-response", captcha)
        return self.call("POST", "/api/widget/tickets", token=token, json=body)

    def ids(self, articles: List[Dict[str, Any]]) -> List[int]:
        """The ids of a list of articles."""
        return [a["id"] for a in articles]
