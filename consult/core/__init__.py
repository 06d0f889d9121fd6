"""Shared pieces: base model helpers, content in many languages, permissions, audit log."""
