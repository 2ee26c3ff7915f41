"""Pages the bot serves itself (the monthly report)."""
