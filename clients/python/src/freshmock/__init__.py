"""freshmock for Python tests: a client for the control plane (``/_freshmock/``, described by
the server's ``/_freshmock/openapi.json``) with the server-side waits and WireMock-style
verification, ``start_freshmock`` to run a server per test process, the widget's API
(``freshmock.widget``), the app clock (``freshmock.clock``) and a pytest plugin
(``freshmock_server``, ``freshmock``, ``freshmock_widget``, ``freshmock_app_clock``)."""

from . import clock
from .client import OPERATIONS, Freshmock, FreshmockError, WaitTimeout, describe_entry
from .server import FreshmockServer, find_freshmock, start_freshmock
from .widget import Widget, WidgetError

__all__ = [
    "OPERATIONS",
    "Freshmock",
    "FreshmockError",
    "FreshmockServer",
    "WaitTimeout",
    "Widget",
    "WidgetError",
    "clock",
    "describe_entry",
    "find_freshmock",
    "start_freshmock",
]
