"""The monthly charter report (C13 "results are published"): figures per promise from one
query layer (figures.py), the chart, signed links, and posting it to the reports channel."""

# The figures module registers the features' providers (bot.services.reports.features), which
# build on its types: loading it first, whichever of the two is imported, keeps that order.
from bot.services.reports import figures as figures
