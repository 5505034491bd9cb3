"""`newsagg serve`: the read-only web view of the database (river, shows, search, day digests)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer


def serve(
    db: Annotated[Optional[str], typer.Option(
        "--db", help="SQLAlchemy URL or SQLite path (env: NEWSAGG_DATABASE_URL); opened read-only")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: loopback only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port", min=1, max=65535)] = 8080,
) -> None:
    """Serve a read-only web view: the river of each day's stories, show pages, search, day digests.

    Every page also answers ?format=json. Binds to 127.0.0.1 unless --host says otherwise."""
    import uvicorn

    from newsagg.digest.db import open_readonly
    from newsagg.web.app import create_app

    _check_listen(host, port)
    engine = open_readonly(db)
    typer.echo(f"newsagg serve: http://{host}:{port}/ (read-only; Ctrl-C to stop)", err=True)
    try:
        uvicorn.run(create_app(engine), host=host, port=port, log_level="warning", server_header=False,
                    proxy_headers=False)
    finally:
        engine.dispose()


def _check_listen(host: str, port: int) -> None:
    """A taken port or an unknown address is one error line, before anything starts."""
    import socket

    from newsagg.errors import NewsaggError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(infos[0][4])
    except OSError as exc:
        raise NewsaggError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
