"""Finding and running the freshmock binary: one server per test process, on a free port."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from .client import Freshmock

#: A checkout's release build, when this package runs from a freshmock checkout
#: (clients/python/src/freshmock/); an installed copy has no such folder.
_HERE = Path(__file__).resolve()
_CHECKOUT = _HERE.parents[4] if len(_HERE.parents) > 4 and (_HERE.parents[4] / "Cargo.toml").is_file() else None
REPO_BUILD: Optional[Path] = _CHECKOUT / "target" / "release" / "freshmock" if _CHECKOUT else None

_LISTENING = re.compile(r"freshmock listening on (http://\S+)")
_running: "set[subprocess.Popen[str]]" = set()


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_freshmock(bin: Optional[str] = None) -> str:
    """The binary: ``bin``, else ``$FRESHMOCK_BIN``, else ``freshmock`` on ``PATH`` (else, in a
    freshmock checkout, its release build); an error saying where a build puts it."""
    if bin:
        if _executable(bin):
            return bin
        raise FileNotFoundError(f"freshmock: the binary given ({bin}) does not exist or is not executable")
    env = os.environ.get("FRESHMOCK_BIN")
    if env:
        if _executable(env):
            return env
        raise FileNotFoundError(f"freshmock: FRESHMOCK_BIN={env} does not exist or is not executable")
    found = shutil.which("freshmock")
    if found:
        return found
    if REPO_BUILD is not None and _executable(str(REPO_BUILD)):
        return str(REPO_BUILD)
    checkout = f"; this checkout's release build would be {REPO_BUILD}" if REPO_BUILD is not None else ""
    raise FileNotFoundError(
        "freshmock: no binary found. Set FRESHMOCK_BIN=/path/to/freshmock or put freshmock on PATH "
        "(`cargo build --release` in a freshmock checkout gives <checkout>/target/release/freshmock; "
        f"`cargo install --locked --path .` puts it in ~/.cargo/bin){checkout}."
    )


@atexit.register
def _stop_all() -> None:
    for child in list(_running):
        child.kill()


class FreshmockServer(Freshmock):
    """A freshmock process started by ``start_freshmock``: the client for it, and ``stop()``;
    also a context manager."""

    def __init__(self, url: str, process: "subprocess.Popen[str]", control_token: Optional[str] = None):
        super().__init__(url, control_token=control_token)
        self.process = process
        self.port = int(url.rsplit(":", 1)[1].split("/")[0])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _running.discard(self.process)
        self.session.close()

    def __enter__(self) -> "FreshmockServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_freshmock(bin: Optional[str] = None, fixtures: Optional[str] = None, now: Optional[str] = None,
                    secret: Optional[str] = None, control_token: Optional[str] = None,
                    no_captcha: bool = False, import_file: Optional[str] = None,
                    export_on_exit: Optional[str] = None, args: Sequence[str] = (),
                    env: Optional[Dict[str, str]] = None,
                    start_timeout: float = 15.0) -> FreshmockServer:
    """Starts freshmock on a free port of 127.0.0.1 and returns once ``/_freshmock/health``
    says ready. Stopped by ``stop()``, and at the latest when this process exits.
    ``import_file`` and ``export_on_exit`` are ``--import`` and ``--export-on-exit``: a state
    document read at start, written when the server stops."""
    path = find_freshmock(bin)
    argv: List[str] = [path, "--port", "0", "--host", "127.0.0.1"]
    for flag, value in (("--fixtures", fixtures), ("--now", now), ("--secret", secret),
                        ("--control-token", control_token), ("--import", import_file),
                        ("--export-on-exit", export_on_exit)):
        if value:
            argv += [flag, value]
    if no_captcha:
        argv.append("--no-captcha")
    argv += list(args)
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                             text=True, env={**os.environ, **(env or {})})
    _running.add(child)

    found: Dict[str, str] = {}
    stderr: List[str] = []
    ready = threading.Event()

    def read_stdout() -> None:
        # Keeps reading after the address so the pipe never fills and blocks the server.
        assert child.stdout is not None
        for line in child.stdout:
            m = _LISTENING.search(line)
            if m and not ready.is_set():
                found["url"] = m.group(1)
                ready.set()
        ready.set()

    def read_stderr() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            stderr.append(line)
            del stderr[:-50]

    threading.Thread(target=read_stdout, daemon=True).start()
    threading.Thread(target=read_stderr, daemon=True).start()
    if not ready.wait(start_timeout) or "url" not in found:
        child.kill()
        _running.discard(child)
        state = f"exited with {child.wait()}" if child.poll() is not None else f"said nothing within {start_timeout} s"
        raise RuntimeError(f"freshmock ({' '.join(argv)}) {state} before listening:\n{''.join(stderr)}")

    server = FreshmockServer(found["url"], child, control_token=control_token)
    deadline = time.monotonic() + start_timeout
    while True:
        health = server.health()
        if health.get("status") == "ready":
            return server
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"freshmock at {server.url} was not ready within {start_timeout} s: {health}")
        # A big fixture set's index is built in the background: look again shortly.
        time.sleep(0.02)
