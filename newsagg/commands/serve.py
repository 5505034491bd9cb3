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

    engine = open_readonly(db)
    typer.echo(f"newsagg serve: http://{host}:{port}/ (read-only; Ctrl-C to stop)", err=True)
    try:
        uvicorn.run(create_app(engine), host=host, port=port, log_level="warning", server_header=False,
                    proxy_headers=False)
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
