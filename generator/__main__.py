"""`python -m generator` is the same as the `specgen` command."""

from generator.cli import entry

entry()
