"""The README's command reference, generated from the commands' own help (`--help`):
`python -m newsagg.cli_reference` prints it; a test keeps the README's copy equal."""

from __future__ import annotations

import sys
from typing import Any


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        if getattr(cmd, "hidden", False):
            continue
        path = (*prefix, name)
        if hasattr(cmd, "commands"):  # a group: its subcommands
            out.extend(_commands(cmd, path))
        else:
            out.append((path, cmd))
    return out


def command_paths() -> list[tuple[str, ...]]:
    """Every runnable command, e.g. ("db", "upgrade")."""
    import typer.main

    from newsagg.cli import app

    return [path for path, _ in _commands(typer.main.get_command(app))]


def markdown() -> str:
    import typer.main

    from newsagg.cli import app

    lines = ["| command | what it does | options |", "|---|---|---|"]
    for path, cmd in _commands(typer.main.get_command(app)):
        summary = " ".join((cmd.help or "").split("\n\n")[0].split()).replace("|", "\\|")
        options = ", ".join(f"`{p.opts[0]}`" for p in cmd.params
                            if getattr(p, "param_type_name", "") == "option" and not p.hidden
                            and p.opts[0] != "--help")
        arguments = " ".join(p.name.upper() for p in cmd.params if getattr(p, "param_type_name", "") == "argument")
        lines.append(f"| `newsagg {' '.join(path)}{' ' + arguments if arguments else ''}` | {summary} | "
                     f"{options or '-'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
