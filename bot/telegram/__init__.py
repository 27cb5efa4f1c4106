"""Telegram glue: the typed context, callback data, limits, paging, permissions.

Imports storage, text and model (docs/architecture.md)."""
