"""`specgen mock`: a server that answers a spec's operations from its fixtures, on 127.0.0.1 only.

Generated test suites import `MockServer` from here."""

from .server import MockServer, run

__all__ = ["MockServer", "run"]
