"""Command modules: each defines `register(app: typer.Typer) -> None`.

newsagg.cli calls register() of every module here, so a feature adds its commands
without editing cli.py. Keep module top levels light (import heavy code inside
the command functions): `newsagg --help` imports them all.
"""
