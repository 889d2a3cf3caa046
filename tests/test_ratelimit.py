"""Per-client rate limits on the suggest API, in memory and in a real Redis."""

from __future__ import annotations

import os
import secrets

import pytest

from web import create_app


def suggest_statuses(client, count: int) -> list[int]:
    return [client.get("/api/suggest?q=password&lang=en").status_code for _ in range(count)]


def test_suggest_api_is_limited_per_client_in_memory(app_config):
    app_config["SUGGEST_RATE_LIMIT"] = "3 per minute"
    app = create_app(app_config)
    client = app.test_client()
    assert suggest_statuses(client, 4) == [200, 200, 200, 429]
    limited = client.get("/api/suggest?q=password&lang=en")
    assert limited.is_json and "Retry-After" in limited.headers
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert suggest_statuses(other, 1) == [200]
    app.extensions["kb.db"].dispose()


def test_behind_a_proxy_each_forwarded_client_has_its_own_limit(app_config):
    app_config.update(SUGGEST_RATE_LIMIT="2 per minute", PROXY_HOPS=1)
    app = create_app(app_config)
    balancer = app.test_client()
    balancer.environ_base["REMOTE_ADDR"] = "10.0.0.1"

    def statuses(client_address, count):
        headers = {"X-Forwarded-For": client_address}
        return [balancer.get("/api/suggest?q=password&lang=en", headers=headers).status_code for _ in range(count)]

    assert statuses("203.0.113.7", 3) == [200, 200, 429]
    assert statuses("198.51.100.4", 1) == [200]
    # Only the last hop is trusted: a client cannot pose as another by prepending addresses.
    assert statuses("198.51.100.99, 203.0.113.7", 1) == [429]
    app.extensions["kb.db"].dispose()


def test_without_proxy_hops_forwarded_headers_are_ignored(app_config):
    app_config.update(SUGGEST_RATE_LIMIT="2 per minute")
    app = create_app(app_config)
    client = app.test_client()
    spoofed = [
        client.get("/api/suggest?q=password&lang=en", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(3)
    ]
    assert spoofed == [200, 200, 429]
    app.extensions["kb.db"].dispose()


def test_limits_are_shared_through_redis(app_config):
    url = os.environ.get("KB_TEST_REDIS_URL")
    if not url:
        pytest.skip("KB_TEST_REDIS_URL is not set: no Redis server to test against")
    app_config.update(SUGGEST_RATE_LIMIT="3 per minute", RATELIMIT_STORAGE_URL=url)
    # A client address of its own per run: counters of earlier runs never interfere.
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    first_server, second_server = create_app(app_config), create_app(app_config)
    one, two = first_server.test_client(), second_server.test_client()
    one.environ_base["REMOTE_ADDR"] = two.environ_base["REMOTE_ADDR"] = address
    # Two app instances (as two gunicorn workers) count against the same limit.
    assert suggest_statuses(one, 2) + suggest_statuses(two, 2) == [200, 200, 200, 429]
    # The count is in Redis itself (one limiter per process: the two apps of
    # this test share it, two workers each have their own and meet there).
    import redis

    assert list(redis.Redis.from_url(url).scan_iter(f"LIMITS:LIMITER/kb/{address}/api.suggest/*"))
    for app in (first_server, second_server):
        app.extensions["kb.db"].dispose()
