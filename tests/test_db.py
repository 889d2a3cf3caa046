"""The ticket database: SQLite settings, migrations, the kb db command."""

from __future__ import annotations

import threading

from sqlalchemy import inspect, text

from kb.cli import main
from kb.db import Database


def test_sqlite_is_tuned_for_several_writers(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    database.dispose()


def test_write_transactions_take_the_lock_up_front(tmp_path):
    """With BEGIN IMMEDIATE a second writer waits for the first, instead of failing."""
    database = Database(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    database.upgrade()
    order = []
    first_has_lock = threading.Event()

    def first():
        with database.writing() as session:
            session.execute(text("INSERT INTO article_feedback (article_id, locale, question, positive, created_at) VALUES ('a', 'en', 'helpful', 1, '2026-01-01')"))
            first_has_lock.set()
            threading.Event().wait(0.3)
            order.append("first commits")

    thread = threading.Thread(target=first)
    thread.start()
    first_has_lock.wait()
    with database.writing() as session:
        # BEGIN IMMEDIATE waited for the first writer; a deferred transaction
        # would read an old snapshot here and then fail to write ("locked").
        before = session.execute(text("SELECT count(*) FROM article_feedback")).scalar()
        session.execute(text("INSERT INTO article_feedback (article_id, locale, question, positive, created_at) VALUES ('b', 'en', 'helpful', 1, '2026-01-01')"))
        order.append("second writes")
    thread.join()
    assert order == ["first commits", "second writes"] and before == 1
    database.dispose()


def head_revision() -> str:
    """The newest migration: there is always exactly one head."""
    from alembic.script import ScriptDirectory

    from kb.db import alembic_config

    (head,) = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return head


def test_kb_db_upgrade_creates_the_schema_and_can_run_again(runner, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    for _ in range(2):
        result = runner.invoke(main, ["db", "upgrade"], env={"KB_DATABASE_URL": url})
        assert result.exit_code == 0, result.output
        assert f"database at revision {head_revision()}" in result.output
    database = Database(url)
    tables = set(inspect(database.engine).get_table_names())
    assert {"tickets", "attachments", "outbox", "staff_users", "article_feedback", "analytics_events", "alembic_version"} <= tables
    database.dispose()
