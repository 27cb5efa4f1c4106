"""Telegram glue: the typed context, callback data, limits, paging, permissions.

Imports storage, text, model and config (docs/architecture.md)."""
