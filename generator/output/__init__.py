"""Stage 4, output: Jinja rendering with escaping filters (`render`), black/ruff (`format`), and the
atomic write of a whole tree (`write`)."""
