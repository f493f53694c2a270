"""The server's secret (server_secret): TK_SECRET_KEY when set, else one key file made
once and shared; tokens that only the secret's holder can make."""

from __future__ import annotations

import hashlib
import hmac
import stat
from dataclasses import replace

import pytest

import server_secret
from settings import configure, get_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def settings_secret():
    """Sets TK_SECRET_KEY for one test (``set("...")``) and restores the settings."""
    original = get_settings()
    yield lambda value: configure(replace(original, secret_key=value))
    configure(original)


def test_ss001_a_token_is_the_hmac_under_the_configured_secret(settings_secret):
    """sign() is HMAC-SHA256 of purpose, NUL and message under TK_SECRET_KEY; verify() checks it."""
    settings_secret("avain")
    expected = hmac.new(b"avain", b"tarkoitus\0viesti", hashlib.sha256).hexdigest()
    assert server_secret.sign("tarkoitus", "viesti") == expected
    assert server_secret.verify("tarkoitus", "viesti", expected)
    assert not server_secret.verify("muu", "viesti", expected)  # another purpose
    assert not server_secret.verify("tarkoitus", "viesti", expected.upper())
    assert not server_secret.verify("tarkoitus", "viesti", None)
    # The plain SHA-256 a browser could compute is not a token.
    plain = hashlib.sha256(b"tarkoitus\0viesti").hexdigest()
    assert not server_secret.verify("tarkoitus", "viesti", plain)


def test_ss002_without_a_setting_one_key_file_is_made_and_shared(
    settings_secret, tmp_path, monkeypatch
):
    """Empty TK_SECRET_KEY: a 0600 key file is made once; another process reads the same key."""
    settings_secret("")
    key_file = tmp_path / "data" / ".secret-key"
    monkeypatch.setattr(server_secret, "KEY_FILE", key_file)
    monkeypatch.setattr(server_secret, "_made", {})
    first = server_secret.sign("p", "m")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text(encoding="ascii").strip()
    assert len(key) == 64  # 32 random bytes in hex
    assert first == hmac.new(key.encode(), b"p\0m", hashlib.sha256).hexdigest()
    # Another worker (nothing remembered) reads the file rather than making a key.
    monkeypatch.setattr(server_secret, "_made", {})
    assert server_secret.sign("p", "m") == first
    assert [path.name for path in key_file.parent.iterdir()] == [".secret-key"]  # no drafts
