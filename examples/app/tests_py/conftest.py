"""The shop (../server.js) as its own process per xdist worker, pointed at that worker's
freshmock (the plugin's ``freshmock_server``): FRESHMOCK_URL for the widget and the app clock,
the widget secret it shares with the help desk."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
import requests

SERVER = Path(__file__).resolve().parent.parent / "server.js"


@pytest.fixture(scope="session")
def shop(freshmock_server) -> Iterator[str]:
    node = shutil.which("node")
    assert node, "the shop needs Node.js (node on PATH)"
    env = {**os.environ, "FRESHMOCK_URL": freshmock_server.url, "PORT": "0",
           "WIDGET_SECRET": freshmock_server.secret()["secret"]}
    process = subprocess.Popen([node, str(SERVER)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        found = re.search(r"shop listening on (\S+)", line)
        assert found, f"the shop did not start: {line!r}"
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


class Customer:
    """A browser-less customer of the shop: its own cookie jar."""

    def __init__(self, shop: str):
        self.shop = shop
        self.session = requests.Session()

    def login(self, email: str, password: str = "kettle") -> None:
        res = self.session.post(f"{self.shop}/login", data={"email": email, "password": password}, timeout=10)
        assert res.ok, res.text

    def logout(self) -> None:
        self.session.post(f"{self.shop}/logout", timeout=10)

    def widget_token(self) -> str:
        """What the shop's page asks for: GET /widget-token (401 when signed out)."""
        res = self.session.get(f"{self.shop}/widget-token", timeout=10)
        res.raise_for_status()
        return res.json()["token"]


@pytest.fixture
def customer(shop: str, freshmock) -> Customer:
    # `freshmock` resets the server (clock, secret, tickets) before the test.
    return Customer(shop)
