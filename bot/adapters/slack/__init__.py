"""Slack adapter: Web API client, directory lookups, outbox delivery."""
