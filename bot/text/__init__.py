"""Language and time as a reader sees them: catalogs, dates, zones, search folding.

Imports only bot.model (docs/architecture.md)."""
