"""`python -m specgen` is the same as the `specgen` command."""

from .cli import entry

entry()
