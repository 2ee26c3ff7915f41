"""`python -m bot` is the same as the `charterbot` console script."""

import sys

from bot.cli import main

sys.exit(main())
