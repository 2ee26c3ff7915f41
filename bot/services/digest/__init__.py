"""The managers' daily digest: sections (a registry of providers), the daily run (claimed
once per manager and day), and the `/digest` command."""

# The sections module registers the features' sections (bot.services.digest.features), which
# build on its types: loading it first, whichever of the two is imported, keeps that order.
from bot.services.digest import sections as sections
