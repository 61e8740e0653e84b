"""Alembic environment: migrations run on the connection the store hands over."""

from alembic import context

from cakupan.store.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` on the command line: the URL from the environment
    from sqlalchemy import create_engine

    from cakupan.store import store_url

    with create_engine(store_url()).begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
