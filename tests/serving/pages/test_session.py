"""Signed session cookies, CSRF tokens and the session secret."""

from __future__ import annotations

import os
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ml.config import Settings
from ml.serving.pages.session import (
    SESSION_HOURS,
    csrf_for,
    new_session,
    open_session,
    same_token,
    sign,
    unsign,
)
from ml.serving.pages.web import safe_next
from ml.store.keys import KeyInfo, Keys

SECRET = b"s" * 40


class FakeKeys:
    """``Keys.by_id`` and ``session_ended``, over a dict and a set."""

    def __init__(self, *infos: KeyInfo) -> None:
        self.infos = {i.key_id: i for i in infos}
        self.ended: set[str] = set()

    def by_id(self, key_id: str) -> KeyInfo | None:
        return self.infos.get(key_id)

    def session_ended(self, nonce: str) -> bool:
        return nonce in self.ended


def info(key_id: str = "abc", revoked: bool = False) -> KeyInfo:
    now = datetime.now(UTC)
    return KeyInfo(key_id, "planner", "Bidang PSDM", now, now if revoked else None)


def test_a_signed_payload_comes_back_and_a_changed_one_does_not() -> None:
    token = sign(SECRET, {"k": "abc", "e": 1})
    assert unsign(SECRET, token) == {"k": "abc", "e": 1}
    body, mac = token.split(".")
    assert unsign(b"t" * 40, token) is None  # another deployment's secret
    assert unsign(SECRET, body + "." + mac[:-1] + ("A" if mac[-1] != "A" else "B")) is None
    forged = sign(b"t" * 40, {"k": "admin-key", "e": 10**12}).split(".")[0]
    assert unsign(SECRET, forged + "." + mac) is None
    for junk in ("", ".", "abc", "a.b.c", "%%%.%%%"):
        assert unsign(SECRET, junk) is None


def test_a_session_opens_for_a_live_key_until_it_expires() -> None:
    live = info()
    token = new_session(SECRET, live, now=1_000_000)
    session = open_session(SECRET, token, FakeKeys(live), now=1_000_001)
    assert session is not None and session.key == live
    assert session.expires == 1_000_000 + SESSION_HOURS * 3600
    later = 1_000_000 + SESSION_HOURS * 3600 + 1
    assert open_session(SECRET, token, FakeKeys(live), now=later) is None


def test_a_revoked_or_unknown_key_ends_its_sessions() -> None:
    token = new_session(SECRET, info())
    assert open_session(SECRET, token, FakeKeys(info(revoked=True))) is None
    assert open_session(SECRET, token, FakeKeys()) is None
    assert open_session(SECRET, None, FakeKeys(info())) is None


def test_each_session_has_its_own_csrf_token() -> None:
    keys = FakeKeys(info())
    one = open_session(SECRET, new_session(SECRET, info()), keys)
    two = open_session(SECRET, new_session(SECRET, info()), keys)
    assert one and two and one.csrf != two.csrf
    assert csrf_for(SECRET, "n") == csrf_for(SECRET, "n") != csrf_for(b"x" * 40, "n")
    assert same_token(one.csrf, one.csrf)
    assert (
        not same_token(two.csrf, one.csrf) and not same_token("", "") and not same_token(None, "x")
    )


def test_the_cookie_holds_no_key(tmp_path: Path) -> None:
    keys = Keys.from_url(f"sqlite:///{tmp_path / 'k.db'}")
    made = keys.create("committee", "someone")
    token = new_session(SECRET, made.info)
    payload = unsign(SECRET, token)
    assert payload is not None and set(payload) == {"k", "e", "n"}
    assert made.key not in token and made.key.split("_")[2] not in str(payload)
    assert keys.by_id(made.info.key_id) == made.info
    keys.revoke(made.info.key_id)
    assert open_session(SECRET, token, keys) is None
    assert keys.by_id("nope") is None


def test_the_secret_is_made_once_private_and_never_a_default(tmp_path: Path) -> None:
    first = Settings(home=tmp_path).session_secret()
    path = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(home=tmp_path).session_secret() == first and len(first) >= 32
    assert Settings(home=tmp_path / "other").session_secret() != first
    os.chmod(path, 0o644)  # someone loosened it: tightened again on the next read
    Settings(home=tmp_path).session_secret()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(home=tmp_path, secret_key="k" * 32).session_secret() == b"k" * 32
    with pytest.raises(ValueError):
        Settings(home=tmp_path, secret_key="short")


def test_the_secret_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALENTA_SECRET_KEY", "e" * 48)
    assert Settings(home=tmp_path).session_secret() == b"e" * 48
    assert not (tmp_path / "data" / "secret_key").exists()


@pytest.mark.parametrize(
    ("asked", "safe"),
    [
        ("/unit/X?lang=en", "/unit/X?lang=en"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\\\evil", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
    ],
)
def test_log_in_goes_on_to_local_pages_only(asked: str | None, safe: str) -> None:
    assert safe_next(asked) == safe


def test_time_is_real_by_default() -> None:
    token = new_session(SECRET, info())
    payload = unsign(SECRET, token)
    assert payload and payload["e"] > time.time() + SESSION_HOURS * 3600 - 60


@pytest.mark.parametrize("forged", ["é", "a.\xe9", "\x00", "ï¿½.ï¿½"])
def test_a_forged_non_ascii_cookie_or_token_is_no_match_not_an_error(forged: str) -> None:
    secret = b"s" * 32
    assert unsign(secret, forged) is None
    assert not same_token(forged, csrf_for(secret, "nonce"))
