"""Maintainer accounts: users (argon2id passwords), API tokens (stored as SHA-256 hashes, compared
in constant time), browser sessions (server-side rows, so logout and expiry are real) and the
login throttle. One SQLite file under KB_DATA_DIR: accounts.sqlite3 (the audit log lives there
too, see service/audit.py).

``verify_api_token`` is the one check for ``Authorization: Bearer …``; other routes (e.g. /v1)
may call it.
"""

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kb.errors import AccessDenied, InvalidInput, NotFound, TooManyAttempts
from kb.settings import Settings
from kb.store.sqlite import connect, write_transaction

Role = Literal["maintainer", "admin"]
ROLES: tuple[Role, ...] = ("maintainer", "admin")
Via = Literal["session", "token", "admin-token"]
MIN_PASSWORD_CHARS = 10
TOKEN_PREFIX = "kbt"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('maintainer', 'admin')),
    password TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, hash TEXT NOT NULL, label TEXT,
    created_at REAL NOT NULL, last_used_at REAL, revoked_at REAL
);
CREATE TABLE IF NOT EXISTS sessions (
    hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL,
    created_at REAL NOT NULL, last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_at REAL NOT NULL, locked_until REAL
);
"""


@dataclass(frozen=True)
class Principal:
    """Who makes a request. ``csrf`` is set for browser sessions (their forms must echo it)."""

    name: str
    role: Role
    via: Via
    csrf: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created_at: float


@dataclass(frozen=True)
class Token:
    id: str
    user: str
    label: str | None
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AccountStore:
    def __init__(self, path: Path, settings: Settings) -> None:
        from pwdlib import PasswordHash
        from pwdlib.hashers.argon2 import Argon2Hasher

        self._db = connect(path, _SCHEMA)
        self._lock = threading.Lock()
        self._settings = settings
        self._hasher = PasswordHash((Argon2Hasher(),))  # argon2id
        self._dummy_hash: str | None = None

    def close(self) -> None:
        self._db.close()

    # -- users ----------------------------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str) -> User:
        _check_name(name)
        checked = _check_role(role)
        _check_password(password)
        now = time.time()
        with self._lock:
            if self._db.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
                raise InvalidInput(f"user '{name}' exists already")
            self._db.execute(
                "INSERT INTO users VALUES (?,?,?,?)",
                (name, checked, self._hasher.hash(password), now),
            )
        return User(name, checked, now)

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        self._require_user(name)
        with self._lock:
            self._db.execute(
                "UPDATE users SET password=? WHERE name=?", (self._hasher.hash(password), name)
            )
            self._db.execute("DELETE FROM sessions WHERE user=?", (name,))

    def set_role(self, name: str, role: str) -> None:
        checked = _check_role(role)
        self._require_user(name)
        with self._lock:
            self._db.execute("UPDATE users SET role=? WHERE name=?", (checked, name))

    def users(self) -> list[User]:
        with self._lock:
            rows = self._db.execute("SELECT name, role, created_at FROM users ORDER BY name")
            return [User(*r) for r in rows.fetchall()]

    def user(self, name: str) -> User | None:
        with self._lock:
            row = self._db.execute(
                "SELECT name, role, created_at FROM users WHERE name=?", (name,)
            ).fetchone()
        return User(*row) if row else None

    def remove_user(self, name: str) -> None:
        """The user, their sessions and tokens (a removed user can do nothing any more)."""
        self._require_user(name)
        with write_transaction(self._db, self._lock) as db:
            for sql in (
                "DELETE FROM users WHERE name=?",
                "DELETE FROM sessions WHERE user=?",
                "UPDATE tokens SET revoked_at=strftime('%s','now') WHERE user=?"
                " AND revoked_at IS NULL",
            ):
                db.execute(sql, (name,))

    def unlock(self, name: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM login_failures WHERE key=?", (f"user:{name}",))

    def _require_user(self, name: str) -> User:
        user = self.user(name)
        if user is None:
            raise NotFound(f"no user '{name}' (see `kb users list`)")
        return user

    # -- tokens ---------------------------------------------------------------------------------
    def create_token(self, user: str, label: str | None = None) -> tuple[Token, str]:
        """A new API token for ``user``: (its record, the secret to show once)."""
        self._require_user(user)
        token_id = secrets.token_hex(4)
        raw = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO tokens VALUES (?,?,?,?,?,NULL,NULL)",
                (token_id, user, _sha256(raw), label, now),
            )
        return Token(token_id, user, label, now, None, None), raw

    def revoke_token(self, token_id: str) -> Token:
        with self._lock:
            cur = self._db.execute(
                "UPDATE tokens SET revoked_at=? WHERE id=? AND revoked_at IS NULL",
                (time.time(), token_id),
            )
        if cur.rowcount == 0:
            raise NotFound(f"no active token with id '{token_id}' (see `kb tokens list`)")
        return next(t for t in self.tokens() if t.id == token_id)

    def tokens(self, user: str | None = None) -> list[Token]:
        sql = "SELECT id, user, label, created_at, last_used_at, revoked_at FROM tokens"
        with self._lock:
            if user is None:
                rows = self._db.execute(sql + " ORDER BY created_at").fetchall()
            else:
                rows = self._db.execute(sql + " WHERE user=? ORDER BY created_at", (user,))
                rows = rows.fetchall()
        return [Token(*r) for r in rows]

    def principal_for_token(self, raw: str) -> Principal | None:
        parts = raw.split("_")
        token_id = parts[1] if len(parts) >= 3 and parts[0] == TOKEN_PREFIX else ""
        with self._lock:
            row = self._db.execute(
                "SELECT t.hash, u.name, u.role FROM tokens t JOIN users u ON u.name=t.user"
                " WHERE t.id=? AND t.revoked_at IS NULL",
                (token_id,),
            ).fetchone()
        stored = row[0] if row else _sha256("no such token")
        if not hmac.compare_digest(_sha256(raw), stored) or row is None:
            return None
        with self._lock:
            self._db.execute("UPDATE tokens SET last_used_at=? WHERE id=?", (time.time(), token_id))
        return Principal(row[1], row[2], "token")

    # -- sessions -------------------------------------------------------------------------------
    def login(self, name: str, password: str, client: str) -> tuple[str, Principal]:
        """A new session (the cookie value, and who it is) or AccessDenied/TooManyAttempts."""
        keys = [f"user:{name.lower()}", f"ip:{client}"]
        self._check_throttle(keys)
        with self._lock:
            row = self._db.execute(
                "SELECT name, role, password FROM users WHERE name=?", (name,)
            ).fetchone()
        # an unknown name costs the same time as a wrong password: no guessing of names
        stored = row[2] if row else self._dummy()
        valid, new_hash = self._hasher.verify_and_update(password, stored)
        if row is None or not valid:
            self._failed(keys)
            raise AccessDenied("Benutzername oder Passwort ist falsch")
        self._succeeded(keys)
        raw = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            if new_hash:
                self._db.execute("UPDATE users SET password=? WHERE name=?", (new_hash, name))
            self._db.execute(
                "INSERT INTO sessions VALUES (?,?,?,?,?)", (_sha256(raw), name, csrf, now, now)
            )
        return raw, Principal(row[0], row[1], "session", csrf)

    def session(self, raw: str) -> Principal | None:
        """The session's user, if the session is alive; refreshes its idle timer."""
        key = _sha256(raw)
        now = time.time()
        with self._lock:
            row = self._db.execute(
                "SELECT s.user, u.role, s.csrf, s.created_at, s.last_seen FROM sessions s"
                " JOIN users u ON u.name=s.user WHERE s.hash=?",
                (key,),
            ).fetchone()
            if row is None:
                return None
            idle = self._settings.session_idle_minutes * 60
            if now - row[4] > idle or now - row[3] > self._settings.session_max_hours * 3600:
                self._db.execute("DELETE FROM sessions WHERE hash=?", (key,))
                return None
            if now - row[4] > 30:  # fewer writes; the idle timeout has minute resolution
                self._db.execute("UPDATE sessions SET last_seen=? WHERE hash=?", (now, key))
        return Principal(row[0], row[1], "session", row[2])

    def logout(self, raw: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE hash=?", (_sha256(raw),))

    def sweep_sessions(self) -> int:
        cutoff = time.time() - self._settings.session_idle_minutes * 60
        with self._lock:
            return self._db.execute("DELETE FROM sessions WHERE last_seen < ?", (cutoff,)).rowcount

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    # -- throttle -------------------------------------------------------------------------------
    def _check_throttle(self, keys: list[str]) -> None:
        s = self._settings
        now = time.time()
        for key in keys:
            with self._lock:
                row = self._db.execute(
                    "SELECT failures, last_at, locked_until FROM login_failures WHERE key=?",
                    (key,),
                ).fetchone()
            if row is None:
                continue
            failures, last_at, locked_until = row
            if locked_until and locked_until > now:
                raise TooManyAttempts(
                    "Zu viele fehlgeschlagene Anmeldungen: vorübergehend gesperrt",
                    int(locked_until - now) + 1,
                )
            if failures >= s.login_slowdown_after:
                wait = min(60.0, 2.0 ** (failures - s.login_slowdown_after))
                if now - last_at < wait:
                    raise TooManyAttempts(
                        "Zu viele fehlgeschlagene Anmeldungen: bitte kurz warten",
                        int(wait - (now - last_at)) + 1,
                    )

    def _failed(self, keys: list[str]) -> None:
        s = self._settings
        now = time.time()
        with self._lock:
            for key in keys:
                row = self._db.execute(
                    "SELECT failures FROM login_failures WHERE key=?", (key,)
                ).fetchone()
                failures = (row[0] if row else 0) + 1
                # an account is locked; an address only slowed down (many people may share
                # one behind a proxy or NAT, and one of them must not lock out the others)
                lockable = key.startswith("user:") and failures >= s.login_max_failures
                locked = now + s.login_lock_minutes * 60 if lockable else None
                self._db.execute(
                    "INSERT OR REPLACE INTO login_failures VALUES (?,?,?,?)",
                    (key, 0 if locked else failures, now, locked),
                )

    def _succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._db.execute("DELETE FROM login_failures WHERE key=?", (key,))


def verify_api_token(accounts: AccountStore, settings: Settings, raw: str) -> Principal | None:
    """A Bearer token: KB_ADMIN_TOKEN (an admin, for existing set-ups) or a stored token."""
    raw = raw.strip()
    if not raw:
        return None
    admin = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if admin and hmac.compare_digest(raw.encode(), admin.encode()):
        return Principal("KB_ADMIN_TOKEN", "admin", "admin-token")
    return accounts.principal_for_token(raw)


class AccountTokens:
    """The maintainers' tokens as a /v1 verifier (service.api_keys.TokenVerifier)."""

    def __init__(self, accounts: AccountStore, settings: Settings) -> None:
        self.accounts = accounts
        self.settings = settings

    def verify(self, token: str) -> str | None:
        who = verify_api_token(self.accounts, self.settings, token)
        return f"user:{who.name}" if who is not None else None


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise InvalidInput(
            "a user name has 1–64 characters: letters, digits and . _ @ - (not first)"
        )


def _check_role(role: str) -> Role:
    for r in ROLES:
        if role == r:
            return r
    raise InvalidInput(f"unknown role '{role}'; choose one of: {', '.join(ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > 1024:
        raise InvalidInput("the password is longer than 1024 characters")
