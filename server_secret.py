"""The server's secret, and tokens signed with it that the browser carries but cannot
make: an HMAC-SHA256 of a message under the secret.

The secret is ``TK_SECRET_KEY``; when that is empty, a random key made once and kept in
``data/.secret-key`` (mode 0600), which every worker of the machine reads, so a token
made by one worker is accepted by another. Several hosts behind one address need
``TK_SECRET_KEY``: each host would otherwise make its own key.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from settings import PROJECT_ROOT, get_settings

KEY_FILE = PROJECT_ROOT / "data" / ".secret-key"


class SecretUnavailable(RuntimeError):
    """No secret: ``TK_SECRET_KEY`` is empty and the key file can be neither read nor
    made (a read-only folder, an empty file). Nothing can be signed or verified."""


_lock = threading.Lock()
_made: dict[Path, bytes] = {}  # the key file's key, read once per process


def _file_key(path: Path) -> bytes:
    """The key kept in ``path``, made first when there is none; ``SecretUnavailable``
    when it can be neither read nor made."""
    with _lock:
        if path not in _made:
            try:
                _made[path] = _read_or_make(path)
            except OSError as exc:
                raise SecretUnavailable(f"{path.name}: {exc.strerror or exc}") from exc
        return _made[path]


def _read_or_make(path: Path) -> bytes:
    """The key in ``path``. Made under another name and linked into place, so two
    workers starting at once read the same key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # fails when another worker was first: its key stands
        except FileExistsError:
            pass
        finally:
            with contextlib.suppress(FileNotFoundError):
                draft.unlink()
    key = path.read_text(encoding="ascii").strip().encode()
    if not key:
        raise SecretUnavailable(f"the secret key file {path.name} is empty; delete it")
    return key


def secret() -> bytes:
    """The server's secret: ``TK_SECRET_KEY``, else the key of ``KEY_FILE``. Raises
    ``SecretUnavailable`` when neither is there."""
    configured = get_settings().secret_key
    return configured.encode() if configured else _file_key(KEY_FILE)


def sign(purpose: str, message: str) -> str:
    """A token for ``message`` (hex HMAC-SHA256 under the secret); ``purpose`` keeps a
    token made for one use from being accepted for another."""
    data = purpose.encode() + b"\0" + message.encode()
    return hmac.new(secret(), data, hashlib.sha256).hexdigest()


def verify(purpose: str, message: str, token: object) -> bool:
    """Whether ``token`` is ``sign(purpose, message)`` (compared in constant time);
    False for anything that is not a string."""
    if not isinstance(token, str):
        return False
    return hmac.compare_digest(token.encode(), sign(purpose, message).encode())
