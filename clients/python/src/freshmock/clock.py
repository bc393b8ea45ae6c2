"""The clock for the app under test: what a team's backend signs widget tokens with in test
mode, so that its tokens agree with freshmock's clock after ``advance_clock``, ``--now`` or a
frozen clock (freshmock judges ``exp`` by its own clock, not by real time)::

    from freshmock import clock
    now = clock.now()                        # Unix seconds; freshmock's when FRESHMOCK_URL is set
    token = jwt.encode({"name": name, "email": email, "iat": now, "exp": now + 3600},
                       secret, algorithm="HS256")

It reads ``$FRESHMOCK_URL``'s clock once, then follows its changes on the server's event stream
(``GET /_freshmock/widget/sync``, the one the fake widget listens to) in a daemon thread: a
call costs no request while the stream is up; without it, a reading is used for ``ttl``
seconds. Without ``FRESHMOCK_URL`` it is the real clock, so the same code runs in production.
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

    def __init__(self, url: Optional[str] = None, control_token: Optional[str] = None, ttl: float = 1.0):
        self.url = (url if url is not None else os.environ.get("FRESHMOCK_URL", "")).rstrip("/")
        self.control_token = control_token if control_token is not None else os.environ.get("FRESHMOCK_CONTROL_TOKEN")
        self.ttl = ttl
        self._lock = threading.Lock()
        self._base: Optional[Dict[str, Any]] = None  # now_ms, frozen, at (time.monotonic())
        self._live = False
        self._thread: Optional[threading.Thread] = None

    @property
    def following(self) -> bool:
        """Whether this clock follows a freshmock server."""
        return bool(self.url)

    def now_ms(self) -> int:
        """Now in milliseconds since the epoch, by freshmock's clock."""
        if not self.url:
            return int(time.time() * 1000)
        with self._lock:
            base = self._base
            stale = base is None or (not self._live and time.monotonic() - base["at"] > self.ttl)
        if stale:
            self.sync()
        return self.cached_ms()

    def now(self) -> int:
        """Now in whole Unix seconds (what ``iat`` and ``exp`` hold)."""
        return self.now_ms() // 1000

    def cached_ms(self) -> int:
        """The last known time, without asking (real time before the first reading)."""
        with self._lock:
            base = self._base
        if not self.url or base is None:
            return int(time.time() * 1000)
        if base["frozen"]:
            return int(base["now_ms"])
        return int(base["now_ms"] + (time.monotonic() - base["at"]) * 1000)

    def sync(self) -> None:
        """Reads the server's clock now, and starts following its changes."""
        request = urllib.request.Request(f"{self.url}/_freshmock/clock", headers=self._headers())
        with urllib.request.urlopen(request, timeout=10) as res:
            self._set(json.loads(res.read().decode("utf-8")))
        self._follow()

    def _headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.control_token}"} if self.control_token else {}

    def _set(self, c: Any) -> None:
        if isinstance(c, dict) and isinstance(c.get("now_ms"), (int, float)):
            with self._lock:
                self._base = {"now_ms": c["now_ms"], "frozen": bool(c.get("frozen")), "at": time.monotonic()}

    def _follow(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._listen, name="freshmock-app-clock", daemon=True)
            self._thread.start()

    def _listen(self) -> None:
        request = urllib.request.Request(f"{self.url}/_freshmock/widget/sync", headers={"Accept": "text/event-stream"})
        try:
            with urllib.request.urlopen(request, timeout=None) as res:
                self._live = True
                event, data = "message", []
                for raw in res:
                    line = raw.decode("utf-8").rstrip("\r\n")
                    if line == "":
                        if event == "clock" and data:
                            try:
                                self._set(json.loads("\n".join(data)))
                            except ValueError:
                                self._live = False
                        elif event in ("reset", "fixtures"):
                            # A reset restores the starting clock: read it again.
                            threading.Thread(target=self._resync, daemon=True).start()
                        event, data = "message", []
                    elif line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
        except OSError:
            pass
        finally:
            self._live = False

    def _resync(self) -> None:
        try:
            request = urllib.request.Request(f"{self.url}/_freshmock/clock", headers=self._headers())
            with urllib.request.urlopen(request, timeout=10) as res:
                self._set(json.loads(res.read().decode("utf-8")))
        except OSError:
            self._live = False


#: The app's clock: freshmock's when ``FRESHMOCK_URL`` is set, else real time.
app_clock = AppClock()


def now() -> int:
    """Now in Unix seconds by the app's clock (:data:`app_clock`)."""
    return app_clock.now()


def now_ms() -> int:
    """Now in milliseconds by the app's clock (:data:`app_clock`)."""
    return app_clock.now_ms()
