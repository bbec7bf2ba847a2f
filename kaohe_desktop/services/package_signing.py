"""Signing a data package with the office's Ed25519 key (services/office_key.py), and
checking a package's signature.

The signature covers the manifest without its signature (io/package_format.signed_bytes),
which names every member's SHA-256, so it covers the whole package: a package altered on
the way is refused whole. It carries the sender's public key and its fingerprint, which
the sending office can read out (`kaohe key export`) for the township to compare.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from kaohe_desktop.store.db import Database

from . import office_key

ALGORITHM = "Ed25519"


def fingerprint(public_pem: bytes) -> str:
    """A short, readable name of a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_pem.strip()).hexdigest()[:16]


def sign_package(db: Database, data: bytes) -> dict[str, str]:
    """The manifest's signature by this office's key (created at first use)."""
    pem = office_key.public_key_pem(db)
    return {"algorithm": ALGORITHM, "public_key": pem.decode("ascii"),
            "fingerprint": fingerprint(pem),
            "value": base64.b64encode(office_key.sign(db, data)).decode("ascii")}


def verify_package(data: bytes, signature: Mapping[str, Any] | Any) -> str:
    """"" when `signature` is a valid signature of `data`, else why not (in Chinese)."""
    if not isinstance(signature, Mapping) or signature.get("algorithm") != ALGORITHM:
        return "签名格式不对（应为 Ed25519 签名）"
    try:
        value = base64.b64decode(str(signature.get("value", "")), validate=True)
        pem = str(signature.get("public_key", "")).encode("ascii")
        ok = office_key.verify(pem, data, value)
    except (ValueError, TypeError, UnicodeEncodeError):
        return "签名或公钥无法读取"
    except Exception as exc:  # an InputError from a malformed key: the reason is in it
        return f"签名的公钥无效（{exc}）"
    return "" if ok else "签名与内容不符：数据包在签名后被改动过"
