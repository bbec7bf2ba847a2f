"""Alembic environment: runs on the connection the program hands in (store/db.py)."""

from alembic import context

from kaohe_desktop.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` on the command line, for making new revisions
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
