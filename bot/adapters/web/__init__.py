"""Plain web pages served next to the chat endpoints (the survey link, the monthly report)."""
