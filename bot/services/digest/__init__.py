"""The managers' daily digest: sections (a registry of providers), the daily run (claimed
once per manager and day), and the `/digest` command."""
