"""Alembic environment: always run with a connection handed in by models.db."""

from alembic import context

from models.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `newsagg db upgrade` (models.db.upgrade)")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
