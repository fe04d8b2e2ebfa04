"""The public pages are rate-limited per client IP (core.ratelimit): beyond the limit a
client gets 429 with a Swedish message and Retry-After; other clients are not affected;
the next window lets the client in again; a limit of 0 turns it off."""

import pytest

from core import ratelimit

pytestmark = pytest.mark.django_db


def test_too_many_requests_from_one_client_get_429(client, settings):
    settings.PUBLIC_RATE_LIMIT = 3
    settings.PUBLIC_RATE_WINDOW = 60
    for _ in range(3):
        assert client.get("/tillganglighet/").status_code == 200
    refused = client.get("/e-diarium/")  # the limit covers every public page together
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Du har gjort för många förfrågningar på kort tid." in html
    assert 1 <= int(refused["Retry-After"]) <= 60
    # another client (IP) is not affected
    assert client.get("/anslagstavla/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_next_window_lets_the_client_in_again():
    counts = [ratelimit.hit("t", "198.51.100.1", limit=2, window=60, now=120.0) for _ in range(3)]
    assert counts[:2] == [0, 0] and counts[2] == 60
    assert ratelimit.hit("t", "198.51.100.1", limit=2, window=60, now=150.0) == 30
    assert ratelimit.hit("t", "198.51.100.1", limit=2, window=60, now=180.0) == 0


def test_a_limit_of_zero_turns_it_off(client, settings):
    settings.PUBLIC_RATE_LIMIT = 0
    for _ in range(5):
        assert client.get("/tillganglighet/").status_code == 200


def test_the_rate_limit_page_in_english(client, settings):
    settings.PUBLIC_RATE_LIMIT = 1
    client.cookies["django_language"] = "en"
    client.get("/tillganglighet/")
    refused = client.get("/tillganglighet/")
    assert refused.status_code == 429
    assert "You have made too many requests" in refused.content.decode()
