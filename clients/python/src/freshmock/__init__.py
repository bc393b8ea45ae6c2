"""freshmock for Python tests: a client for the control plane (``/_freshmock/``, described by
the server's ``/_freshmock/openapi.json``) with the server-side waits, ``start_freshmock`` to
run a server per test process, and a pytest plugin (``freshmock_server``, ``freshmock``)."""

from .client import OPERATIONS, Freshmock, FreshmockError, WaitTimeout
from .server import FreshmockServer, find_freshmock, start_freshmock

__all__ = [
    "OPERATIONS",
    "Freshmock",
    "FreshmockError",
    "FreshmockServer",
    "WaitTimeout",
    "find_freshmock",
    "start_freshmock",
]
