"""Alembic environment: migrations run on the help center's own engine."""

from __future__ import annotations

from alembic import context

from kb.db import make_engine
from kb.models import Base

config = context.config
given = config.attributes.get("engine")
engine = given or make_engine(config.get_main_option("sqlalchemy.url"))

try:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
finally:
    if given is None:
        engine.dispose()
