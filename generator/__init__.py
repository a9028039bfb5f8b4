"""specgen: OpenAPI 3.0/3.1 and JSON Schema in, typed Python clients, docs, fixtures and tools out."""

__version__ = "0.1.0"
