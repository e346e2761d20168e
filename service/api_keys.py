"""Who may use /v1: Bearer API keys, checked by a small verifier protocol.

Today the keys come from KB_API_KEYS (comma-separated; an entry ``sha256:<hex>`` is the digest
of a key, so the settings need not hold the key itself). Another verifier (for example the
maintainers' personal tokens) plugs in by implementing ``TokenVerifier`` and being placed on
``app.state.api_keys``; several can be chained with ``AnyOf``.
"""

import hashlib
import hmac
import re
from typing import Protocol

from kb.errors import ConfigError
from kb.settings import Settings

MIN_KEY_CHARS = 16
_DIGEST = re.compile(r"^sha256:([0-9a-fA-F]{64})$")


class TokenVerifier(Protocol):
    def verify(self, token: str) -> str | None:
        """A name for whoever holds ``token`` (for logs and rate limits), or None."""
        ...


class StaticKeys:
    def __init__(self, digests: list[bytes]) -> None:
        if not digests:
            raise ConfigError("KB_API_KEYS is set but lists no key")
        self._digests = digests

    @classmethod
    def parse(cls, spec: str) -> "StaticKeys":
        digests = []
        for entry in (e.strip() for e in re.split(r"[,\s]+", spec)):
            if not entry:
                continue
            if m := _DIGEST.match(entry):
                digests.append(bytes.fromhex(m.group(1)))
            elif len(entry) < MIN_KEY_CHARS:
                raise ConfigError(f"API keys need at least {MIN_KEY_CHARS} characters")
            else:
                digests.append(hashlib.sha256(entry.encode("utf-8")).digest())
        return cls(digests)

    def verify(self, token: str) -> str | None:
        digest = hashlib.sha256(token.encode("utf-8")).digest()
        found = None
        for known in self._digests:  # every entry compared: the time says nothing about which
            if hmac.compare_digest(digest, known):
                found = known
        return f"key:{found.hex()[:8]}" if found is not None else None


class AnyOf:
    def __init__(self, *verifiers: TokenVerifier) -> None:
        self.verifiers = verifiers

    def verify(self, token: str) -> str | None:
        for v in self.verifiers:
            if (who := v.verify(token)) is not None:
                return who
        return None


def verifier_from_settings(settings: Settings) -> TokenVerifier | None:
    """None: no keys configured, /v1 is as open as /api/chat."""
    if settings.api_keys is None or not settings.api_keys.get_secret_value().strip():
        return None
    return StaticKeys.parse(settings.api_keys.get_secret_value())
