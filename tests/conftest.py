from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import settings
from kb.articles import load_articles
from search.indexing import build_index
from search.service import SearchIndex
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
DEMO_ARTICLES = ROOT / "articles"
LOCALES = ("en", "fr", "de", "es", "it", "pt")


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch):
    """Tests see only the settings they set themselves."""
    for setting in settings.SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)


@pytest.fixture(scope="session")
def demo_index_dir(tmp_path_factory) -> Path:
    """The demo articles, indexed once for the whole test session."""
    index_dir = tmp_path_factory.mktemp("demo-index")
    articles = load_articles(DEMO_ARTICLES, LOCALES, "en")
    assert not articles.errors, [str(e) for e in articles.errors]
    build_index(articles, index_dir, LOCALES)
    return index_dir


@pytest.fixture(scope="session")
def demo_search(demo_index_dir) -> SearchIndex:
    return SearchIndex(demo_index_dir, LOCALES, "en")


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'instance' / 'kb.sqlite3'}"


def postgres_schema_url() -> str:
    """A throwaway schema on the test PostgreSQL server (dropped by the caller)."""
    url = os.environ.get("KB_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("KB_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database_url(request, tmp_path):
    """The ticket database on SQLite, then on the real PostgreSQL in a throwaway schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'instance' / 'kb.sqlite3'}"
        return
    import secrets

    from sqlalchemy import text

    from kb.db import make_engine

    base = postgres_schema_url()
    schema = f"kb_test_{secrets.token_hex(6)}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def app_config(tmp_path, demo_index_dir, database_url) -> dict:
    """Settings of the test app; tests change them before ``app`` is made."""
    return {
        "TESTING": True,
        "INSTANCE_DIR": tmp_path / "instance",
        "ARTICLES_DIR": DEMO_ARTICLES,
        "INDEX_DIR": demo_index_dir,
        "ATTACHMENTS_DIR": tmp_path / "instance" / "attachments",
        "DATABASE_URL": database_url,
        "MIN_FILL_SECONDS": 0,
        # Nothing listens there: tests that deliver mail start a server.
        "SMTP_URL": "smtp://127.0.0.1:9",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    yield app
    app.extensions["kb.db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def kb_env(tmp_path) -> dict:
    """Environment for running the ``kb`` command on a private instance folder."""
    return {"KB_INSTANCE_DIR": str(tmp_path / "instance"), "KB_ARTICLES_DIR": str(DEMO_ARTICLES)}


@pytest.fixture
def runner(kb_env):
    return CliRunner(env=kb_env)


def write_article(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
