"""Runtime modules the generated client carries verbatim (as `<package>/_wire.py` and
`<package>/_files.py`), kept here as real modules so that specgen's mock parses requests with the
very rules the client serializes them with, and so that tests and mypy check them once.

They depend on the standard library only and must stay black-formatted (88 columns): the client
artifact copies them as they are, below its header line.
"""
