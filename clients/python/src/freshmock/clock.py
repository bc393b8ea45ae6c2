"""The clock for the app under test: what a team's backend signs widget tokens with in test
mode, so that its tokens agree with freshmock's clock after ``advance_clock``, ``--now`` or a
frozen clock (freshmock judges ``exp`` by its own clock, not by real time)::

    from freshmock import clock
    now = clock.now()                        # Unix seconds; freshmock's when FRESHMOCK_URL is set
    token = jwt.encode({"name": name, "email": email, "iat": now, "exp": now + 3600},
                       secret, algorithm="HS256")

Each reading asks ``$FRESHMOCK_URL`` (``GET /_freshmock/clock``, one local request). It does
not follow the server's event stream instead: after a clock jump the widget hears of it on its
own stream and calls the app's token endpoint at once, and that call can reach the app before
the app's copy of the event does, so a pushed clock would sign the renewal by the time before
the jump, now and then (a flaky test). A reading made after the widget heard of the change is
always the changed time. Without ``FRESHMOCK_URL`` it is the real clock, so the same code runs
in production.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from typing import Any, Dict, Optional

__all__ = ["AppClock", "app_clock", "now", "now_ms"]


class AppClock:
    """freshmock's clock at ``url`` (default ``$FRESHMOCK_URL``; none: real time)."""

    def __init__(self, url: Optional[str] = None, control_token: Optional[str] = None):
        self.url = (url if url is not None else os.environ.get("FRESHMOCK_URL", "")).rstrip("/")
        self.control_token = control_token if control_token is not None else os.environ.get("FRESHMOCK_CONTROL_TOKEN")
        self._lock = threading.Lock()
        self._base: Optional[Dict[str, Any]] = None  # now_ms, frozen, at (time.monotonic())

    @property
    def following(self) -> bool:
        """Whether this clock follows a freshmock server."""
        return bool(self.url)

    def now_ms(self) -> int:
        """Now in milliseconds since the epoch, by freshmock's clock (read from the server)."""
        if not self.url:
            return int(time.time() * 1000)
        self.sync()
        return self.cached_ms()

    def now(self) -> int:
        """Now in whole Unix seconds (what ``iat`` and ``exp`` hold)."""
        return self.now_ms() // 1000

    def cached_ms(self) -> int:
        """The last reading moved on by real time (unless frozen), without asking: real time
        before the first reading. It misses a clock change made since that reading."""
        with self._lock:
            base = self._base
        if not self.url or base is None:
            return int(time.time() * 1000)
        if base["frozen"]:
            return int(base["now_ms"])
        return int(base["now_ms"] + (time.monotonic() - base["at"]) * 1000)

    def sync(self) -> None:
        """Reads the server's clock now."""
        request = urllib.request.Request(f"{self.url}/_freshmock/clock", headers=self._headers())
        with urllib.request.urlopen(request, timeout=10) as res:
            c = json.loads(res.read().decode("utf-8"))
        if isinstance(c, dict) and isinstance(c.get("now_ms"), (int, float)):
            with self._lock:
                self._base = {"now_ms": c["now_ms"], "frozen": bool(c.get("frozen")), "at": time.monotonic()}

    def _headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.control_token}"} if self.control_token else {}


#: The app's clock: freshmock's when ``FRESHMOCK_URL`` is set, else real time.
app_clock = AppClock()


def now() -> int:
    """Now in Unix seconds by the app's clock (:data:`app_clock`)."""
    return app_clock.now()


def now_ms() -> int:
    """Now in milliseconds by the app's clock (:data:`app_clock`)."""
    return app_clock.now_ms()
