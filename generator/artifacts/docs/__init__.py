"""Markdown reference docs: one page per operation and per model, and the index."""
