"""The monthly charter report (C13 "results are published"): figures per promise from one
query layer (figures.py), the chart, signed links, and posting it to the reports channel."""
