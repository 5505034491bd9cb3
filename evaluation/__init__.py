"""Accuracy evaluation against the labelled corpus (extraction, show linking, events, stories).

Not part of the installed package (pyproject includes only crawler, pipelines, models and newsagg):
the gate tests and the bench/ scripts import it from the repository root.
"""
