"""Secrets the service hands out: webhook signing secrets, site API keys and bearer tokens.

Tokens and API keys are stored as sha256 digests. Webhook secrets must be usable for HMAC, so they
are derived from the server key and a per-site nonce, and never stored at all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from moderation.errors import BadSignature


def new_token(prefix: str) -> str:
    """A random, URL-safe credential with a readable prefix (``mod_``, ``key_``)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def new_nonce() -> str:
    return secrets.token_hex(16)


def digest(credential: str) -> str:
    """The sha256 under which a credential is stored and looked up."""
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()


def webhook_secret(server_key: str, site_id: str, nonce: str) -> str:
    """The signing secret of a site for one nonce."""
    mac = hmac.new(server_key.encode("utf-8"), f"{site_id}:{nonce}".encode(), hashlib.sha256)
    return f"whsec_{mac.hexdigest()}"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Moderation-Signature`` header value for a body sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(header: str | None, body: bytes, candidates: list[str], tolerance_s: int, now: float | None = None) -> None:
    """Accept a signature made with any candidate secret within ``tolerance_s`` of now."""
    if not header:
        raise BadSignature("missing X-Moderation-Signature header")
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if sep:
            fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError) as exc:
        raise BadSignature("signature header needs t=<unix seconds>,v1=<hex>") from exc
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_s:
        raise BadSignature(f"signature timestamp is more than {tolerance_s} s from now (replay?)")
    given = fields.get("v1", [])
    for secret in candidates:
        expected = sign(secret, timestamp, body).split("v1=", 1)[1]
        if any(hmac.compare_digest(expected, g) for g in given):
            return
    raise BadSignature("signature does not match the body")
