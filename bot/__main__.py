"""`python -m bot` is the `partnerbot` command."""

import sys

from bot.cli import main

sys.exit(main())
