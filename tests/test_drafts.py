"""Drafts stay private; signed-in staff preview any article and see the translation matrix."""

from __future__ import annotations

import shutil

import pytest

from kb.articles import load_articles
from search.indexing import build_index

from .conftest import DEMO_ARTICLES, LOCALES, write_article
from .helpers import add_staff, sign_in

DRAFT = """---
id: secret-launch
title: Zephyrine launch plans
category: campaigns
status: draft
revision: 1
---
The zephyrine feature is not announced yet.
"""


@pytest.fixture
def app_config(app_config, tmp_path):
    root = tmp_path / "articles"
    shutil.copytree(DEMO_ARTICLES, root)
    write_article(root, "en/secret-launch.md", DRAFT)
    # A published article whose French translation is still a draft.
    fr = root / "fr/refunds.md"
    fr.write_text(fr.read_text().replace("status: published", "status: draft"))
    index_dir = tmp_path / "index"
    articles = load_articles(root, LOCALES, "en")
    build_index(articles, index_dir, LOCALES)
    return {**app_config, "ARTICLES_DIR": root, "INDEX_DIR": index_dir}


@pytest.fixture
def staff_client(app, runner):
    email = add_staff(app, runner)
    client = app.test_client()
    assert sign_in(client, email).status_code == 303
    return client


def test_drafts_never_reach_public_pages_search_or_suggestions(client):
    assert client.get("/en/articles/secret-launch").status_code == 404
    assert "secret-launch" not in client.get("/en/search?q=zephyrine").get_data(as_text=True)
    assert client.get("/api/suggest?q=zephyrine&lang=en").get_json()["results"] == []
    assert "secret-launch" not in client.get("/en/categories/campaigns").get_data(as_text=True)
    # The French draft translation: French readers get the English article.
    page = client.get("/fr/articles/refunds").get_data(as_text=True)
    assert '<article lang="en">' in page


def test_staff_preview_drafts_with_a_banner(staff_client):
    response = staff_client.get("/en/articles/secret-launch")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/preview/en/secret-launch"
    page = staff_client.get("/admin/preview/en/secret-launch").get_data(as_text=True)
    assert "draft-banner" in page and "Draft: only signed-in staff see this article." in page
    assert "zephyrine feature" in page
    assert 'id="feedback"' not in page
    page = staff_client.get("/admin/preview/fr/refunds").get_data(as_text=True)
    assert "draft-banner" in page and '<article lang="fr">' in page
    published = staff_client.get("/admin/preview/en/refunds").get_data(as_text=True)
    assert "Preview: the article as its file reads now" in published


def test_staff_opening_a_draft_translation_see_it_not_the_fallback(staff_client):
    # Customers get the English article there (above); the translator, their draft.
    response = staff_client.get("/fr/articles/refunds")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/preview/fr/refunds"
    # No French file at all: staff see what customers see.
    page = staff_client.get("/fr/articles/webhooks")
    assert page.status_code == 200 and '<article lang="en">' in page.get_data(as_text=True)


def test_preview_and_matrix_need_staff(client):
    for url in ("/admin/preview/en/secret-launch", "/admin/translations"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_translation_matrix_page(staff_client):
    page = staff_client.get("/admin/translations").get_data(as_text=True)
    assert "secret-launch" in page and 'class="state-draft"' in page
    assert 'class="state-missing"' in page  # the demo misses some translations
    assert "/admin/preview/fr/refunds" in page
