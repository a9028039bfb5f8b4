"""Stage 1, the spec: read it (YAML or JSON, `$ref`s across files, parse caches) and validate it."""
