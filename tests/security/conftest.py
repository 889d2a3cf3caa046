"""Fixtures of the security suite: apps made with changed settings, cleaned up afterwards."""

from __future__ import annotations

import pytest

from web import create_app


@pytest.fixture
def make_app(app_config):
    """``make_app(**settings)``: a ready app (schema upgraded) with these settings changed."""
    made = []

    def make(**changes):
        app = create_app({**app_config, **changes})
        app.extensions["kb.db"].upgrade()
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["kb.db"].dispose()
