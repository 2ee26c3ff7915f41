"""Storage: tables, engine and sessions, repositories, migrations."""
