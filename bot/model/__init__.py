"""Values of the network, its chats and its posts: plain, frozen, no I/O, no Telegram.

The bottom layer: imports nothing else of the bot (docs/architecture.md)."""
