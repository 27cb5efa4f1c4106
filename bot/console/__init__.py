"""`partnerbot console`: the real bot in a terminal, over an in-process fake Telegram."""
