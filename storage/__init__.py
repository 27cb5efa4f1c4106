"""SQLite through aiosqlite: repositories, migrations, the seed. Imports bot.model and
bot.text only (docs/architecture.md)."""
