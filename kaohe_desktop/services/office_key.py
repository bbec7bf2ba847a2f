"""The office's signing key: an Ed25519 private key kept beside the database.

Every document the program issues (certificates, notices, the 公示 list, the tally) is
signed with it, and a data package can be too; anyone holding the public part (`kaohe
key export`) checks a signature offline.

Where the key lives is a function of where the database lives (`key_path`):

- a SQLite file `…/kaohe.db` → `…/kaohe.db.office-key.pem` beside it, so the key travels
  with the folder the office backs up and a second database has a key of its own;
- a server database (`postgresql://…`) has no folder of its own: the key goes to the
  user's data folder under `office-keys/`, named by a digest of the URL without its
  password (the same server and database → the same key file, and no password in a
  file name).

The key is created at first use, written with owner-only permissions (0600; on Windows
the file sits in the user's own profile folder) and never printed, logged or exported;
only the public part leaves the machine. Two processes creating it at once cannot end
with different keys: the file is created exclusively and the loser reads the winner's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaohe_desktop.domain.errors import InputError, Problem

if TYPE_CHECKING:  # cryptography costs ~130 ms to import: loaded when a key is used
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

KEY_SUFFIX = ".office-key.pem"
KEYS_FOLDER = "office-keys"

Location = Any  # a Database, a Path to a SQLite file, or a database URL / path as text


def _url_text(location: Location) -> tuple[Path | None, str]:
    """(the SQLite file, or None) and the URL text of a location."""
    path = getattr(location, "path", None)
    engine = getattr(location, "engine", None)
    if engine is not None:  # a Database
        if path is not None:
            return Path(path), ""
        return None, engine.url.render_as_string(hide_password=True)
    text = str(location)
    if text.startswith("sqlite:///"):
        return Path(text[len("sqlite:///"):]), ""
    if "://" in text:
        return None, text
    return Path(text), ""


def key_path(location: Location) -> Path:
    """Where the office key of the database at `location` is kept (see the module doc)."""
    path, url = _url_text(location)
    if path is not None:
        path = path.expanduser().resolve()
        return path.with_name(path.name + KEY_SUFFIX)
    from sqlalchemy.engine import make_url

    from kaohe_desktop.settings import data_dir

    try:
        safe = make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: the text as given
        safe = url
    digest = hashlib.sha256(safe.encode()).hexdigest()[:16]
    return data_dir() / KEYS_FOLDER / f"{digest}{KEY_SUFFIX}"


def _write_new(path: Path) -> None:
    """A new key, written whole to a private temporary file and then linked to its name
    (exclusive: when another process made one first, that one is the office's key), so
    the name never holds half a key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_key(location: Location) -> Path:
    """Create the office key when the database has none yet (at first run); cheap when
    it exists (nothing is imported or read)."""
    path = key_path(location)
    if not path.exists():
        _write_new(path)
    return path


_loaded: dict[tuple[Path, int], Ed25519PrivateKey] = {}  # a batch signs many documents


def load_or_create_key(location: Location) -> Ed25519PrivateKey:
    """The office's private key for the database at `location`, created at first use."""
    path = key_path(location)
    if not path.exists():
        _write_new(path)
    seen = (path, path.stat().st_mtime_ns)
    if seen in _loaded:
        return _loaded[seen]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise InputError(Problem(f"单位签名密钥文件无法读取（{exc}）：请从备份找回该文件；删除它会使"
                                 "已印发文件无法核验", file=str(path))) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(Problem("单位签名密钥文件不是 Ed25519 密钥", file=str(path)))
    _loaded[seen] = key
    return key


def public_key_pem(location: Location) -> bytes:
    """The public part of the office key (PEM, SubjectPublicKeyInfo): what others verify
    with. Creates the key when there is none yet."""
    from cryptography.hazmat.primitives import serialization

    return load_or_create_key(location).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def sign(location: Location, data: bytes) -> bytes:
    """The office's Ed25519 signature (64 bytes) of `data`."""
    return load_or_create_key(location).sign(data)


def load_public_key(pem: bytes | str | Path) -> Ed25519PublicKey:
    """A public key from PEM bytes or a PEM file; InputError naming the file otherwise."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    where = ""
    if isinstance(pem, Path) or (isinstance(pem, str) and not pem.lstrip().startswith("-----")):
        where = str(pem)
        try:
            pem = Path(pem).read_bytes()
        except OSError as exc:
            raise InputError(Problem(f"无法读取公钥文件：{exc.strerror or exc}", file=where)) from None
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise InputError(Problem("不是 PEM 格式的公钥（应为 kaohe key export 导出的文件）",
                                 file=where)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(Problem("公钥不是 Ed25519 公钥", file=where))
    return key


def verify(public_key: Ed25519PublicKey | bytes | str | Path, data: bytes, signature: bytes) -> bool:
    """Whether `signature` is the signature of `data` by the key whose public part is
    `public_key` (a key object, PEM bytes or a PEM file)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = public_key if isinstance(public_key, Ed25519PublicKey) else load_public_key(public_key)
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def public_key_of(location: Location) -> Ed25519PublicKey:
    return load_or_create_key(location).public_key()


def export_public_key(location: Location, out: Path | str) -> Path:
    """Write the public key (PEM) to `out`; the private key never leaves its file."""
    target = Path(out)
    try:
        target.write_bytes(public_key_pem(location))
    except OSError as exc:
        raise InputError(Problem(f"无法写入公钥文件：{exc.strerror or exc}", file=str(target))) from None
    return target
