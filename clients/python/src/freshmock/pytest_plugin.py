"""pytest plugin (entry point ``pytest11``): one freshmock per test process and a reset before
each test that asks for it.

``freshmock_server`` is session-scoped; under pytest-xdist every worker is its own process
with its own session, so each worker gets its own server on its own free port and workers
never see each other's tickets. Override ``freshmock_options`` (a dict of
``start_freshmock`` arguments) in a ``conftest.py`` to choose fixtures, clock or binary."""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest

from .clock import AppClock
from .server import FreshmockServer, start_freshmock
from .widget import Widget


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--freshmock-bin", default=None,
                     help="the freshmock binary (default: $FRESHMOCK_BIN, PATH, this repository's release build)")


@pytest.fixture(scope="session")
def freshmock_options(request: pytest.FixtureRequest) -> Dict[str, Any]:
    """Arguments for ``start_freshmock``; override to change them."""
    return {"bin": request.config.getoption("--freshmock-bin")}


@pytest.fixture(scope="session")
def freshmock_server(freshmock_options: Dict[str, Any]) -> Iterator[FreshmockServer]:
    """This process's (this xdist worker's) freshmock, started once."""
    server = start_freshmock(**freshmock_options)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def freshmock(freshmock_server: FreshmockServer) -> FreshmockServer:
    """The server, reset to its fixtures (tickets, votes, clock, secret) with no faults and an
    empty request log (``POST /_freshmock/reset`` keeps those two), for this test."""
    freshmock_server.reset()
    freshmock_server.clear_faults()
    freshmock_server.clear_requests()
    return freshmock_server


@pytest.fixture
def freshmock_widget(freshmock: FreshmockServer) -> Widget:
    """The demo widget's API on this test's server (headers sent for you):
    ``freshmock_widget.search("password", token=...)``, ``article(id)``, ``create_ticket(...)``."""
    return Widget(freshmock.url)


@pytest.fixture
def freshmock_app_clock(freshmock: FreshmockServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppClock]:
    """The app clock on this test's server, for app code that runs in the test process:
    ``FRESHMOCK_URL`` is set for the test and ``freshmock.clock.now()`` reads this server.
    (An app in another process reads the ``FRESHMOCK_URL`` it was started with.)"""
    from . import clock

    monkeypatch.setenv("FRESHMOCK_URL", freshmock.url)
    if freshmock.control_token:
        monkeypatch.setenv("FRESHMOCK_CONTROL_TOKEN", freshmock.control_token)
    app = AppClock(freshmock.url, control_token=freshmock.control_token)
    monkeypatch.setattr(clock, "app_clock", app)
    yield app
