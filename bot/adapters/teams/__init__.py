"""The Microsoft Teams adapter: authentication, activity parsing, Adaptive Cards, Teams text,
the Bot Connector transport and the hosting glue around the Microsoft 365 Agents SDK."""
