"""Kettle & Co's widget tokens, tested without a browser: the shop's own login and
/widget-token endpoint, the widget API through ``freshmock_widget`` (no hand-written headers),
waits and verification on freshmock's control plane."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

from freshmock import WidgetError, clock

ALICE = "alice@globex.test"
PUBLIC, GLOBEX = 1101, 1401


def test_anonymous_visitors_find_the_public_article_and_alice_also_globex_s(customer, freshmock_widget, freshmock):
    assert freshmock_widget.ids(freshmock_widget.search("password")) == [PUBLIC]
    customer.login(ALICE)
    token = customer.widget_token()
    assert sorted(freshmock_widget.ids(freshmock_widget.search("password", token=token))) == [PUBLIC, GLOBEX]
    with pytest.raises(WidgetError) as hidden:
        freshmock_widget.article(GLOBEX)
    assert hidden.value.status == 404
    assert freshmock_widget.article(GLOBEX, token=token)["id"] == GLOBEX
    freshmock.expect_no_refused_tokens()


def test_the_shop_s_token_logs_the_customer_in(customer, freshmock_widget, freshmock):
    customer.login(ALICE)
    user = freshmock_widget.bootstrap(token=customer.widget_token())["user"]
    assert user["email"] == ALICE
    freshmock.verify(route="widget.bootstrap", token="accepted", count=1)
    freshmock.expect_no_refused_tokens()


# ANCHOR: renewal
def test_two_hours_later_the_shop_signs_a_token_freshmock_accepts(customer, freshmock_widget, freshmock):
    customer.login(ALICE)
    first = customer.widget_token()
    freshmock.advance_clock(by="2h")
    with pytest.raises(WidgetError) as old:
        freshmock_widget.search("password", token=first)
    assert old.value.status == 401 and "expired" in (old.value.reason or "")
    renewed = customer.widget_token()  # signed by freshmock's clock, 2 h on
    assert GLOBEX in freshmock_widget.ids(freshmock_widget.search("password", token=renewed))
    freshmock.verify(token="refused", count=1)
# ANCHOR_END: renewal


def test_signing_out_of_the_shop_ends_its_tokens(customer):
    customer.login(ALICE)
    customer.widget_token()
    customer.logout()
    with pytest.raises(Exception) as refused:
        customer.widget_token()
    assert "401" in str(refused.value)


def test_a_secret_reset_on_the_help_desk_logs_the_customer_out(customer, freshmock_widget, freshmock):
    customer.login(ALICE)
    freshmock.rotate_secret()
    with pytest.raises(WidgetError) as refused:
        freshmock_widget.bootstrap(token=customer.widget_token())
    assert refused.value.status == 401
    [entry] = freshmock.refused_requests()
    assert "previous widget secret" in entry["reason"]


# ANCHOR: awaited_ticket
def test_a_contact_form_ticket_is_awaited_by_its_subject(customer, freshmock_widget, freshmock):
    customer.login(ALICE)
    token = customer.widget_token()
    freshmock_widget.create_ticket(token=token, email=ALICE, subject="Kettle #4411 leaks",
                                   description="There is water on the counter every morning.")
    ticket = freshmock.wait_for_ticket(subject="kettle #4411", timeout=10)
    assert ticket["requester"]["email"] == ALICE
    assert freshmock.tickets(text="WATER ON THE COUNTER")[0]["id"] == ticket["id"]
    freshmock.expect_no_refused_tokens()
# ANCHOR_END: awaited_ticket


# ---- a Python backend in the test process, signing with freshmock.clock ----------------------

def sign(payload: dict, secret: str) -> str:
    """HS256, as PyJWT's ``jwt.encode(payload, secret, algorithm="HS256")`` makes it."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


# ANCHOR: backend_token
def backend_token(email: str, name: str, secret: str) -> str:
    """What a Python backend's /widget-token would sign in test mode."""
    now = clock.now()
    return sign({"name": name, "email": email, "iat": now, "exp": now + 3600}, secret)
# ANCHOR_END: backend_token


def test_a_backend_on_the_app_clock_follows_freshmock_and_real_time_does_not(freshmock_app_clock, freshmock_widget, freshmock):
    secret = freshmock.secret()["secret"]
    before = clock.now()
    freshmock.advance_clock(by="2h")
    assert clock.now() >= before + 7200
    ok = backend_token(ALICE, "Alice Anders", secret)
    assert GLOBEX in freshmock_widget.ids(freshmock_widget.search("password", token=ok))
    freshmock.expect_no_refused_tokens()

    real = int(time.time())
    wrong = sign({"name": "Alice Anders", "email": ALICE, "iat": real, "exp": real + 3600}, secret)
    with pytest.raises(WidgetError) as refused:
        freshmock_widget.search("password", token=wrong)
    assert "freshmock's clock is 2 h" in (refused.value.reason or "")
    assert "docs/src/testing-your-app.md" in (refused.value.reason or "")
    with pytest.raises(AssertionError, match="had their widget token refused"):
        freshmock.expect_no_refused_tokens()
