"""Storage: tables, engine and sessions, repositories, migrations."""

from storage import models_teams  # noqa: F401 - registers the Teams table (see its docstring)
