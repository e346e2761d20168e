"""Accounts: argon2id passwords, tokens stored only as hashes, sessions that really end, and the
login throttle (slowed down, then locked)."""

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_settings

from kb.errors import AccessDenied, InvalidInput, NotFound, TooManyAttempts
from service.accounts import AccountStore, verify_api_token

PASSWORD = "ein-langes-passwort"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AccountStore]:
    settings = make_settings(
        tmp_path / "data", login_slowdown_after=2, login_max_failures=4, login_lock_minutes=5
    )
    s = AccountStore(tmp_path / "data" / "accounts.sqlite3", settings)
    yield s
    s.close()


def raw_db(store: AccountStore, tmp_path: Path) -> str:
    """Everything in the database file, as text (to prove what is not stored)."""
    db = sqlite3.connect(tmp_path / "data" / "accounts.sqlite3")
    try:
        return "\n".join(
            repr(r)
            for t in ("users", "tokens", "sessions")
            for r in db.execute(f"SELECT * FROM {t}")
        )
    finally:
        db.close()


def test_passwords_are_argon2id_hashes(store: AccountStore, tmp_path: Path) -> None:
    store.add_user("anna", "maintainer", PASSWORD)
    dump = raw_db(store, tmp_path)
    assert "$argon2id$" in dump and PASSWORD not in dump
    _, who = store.login("anna", PASSWORD, "10.0.0.1")
    assert (who.name, who.role, who.via) == ("anna", "maintainer", "session") and who.csrf
    with pytest.raises(AccessDenied, match="falsch"):
        store.login("anna", PASSWORD + "x", "10.0.0.2")
    with pytest.raises(AccessDenied, match="falsch"):  # the same message: no guessing of names
        store.login("niemand", PASSWORD, "10.0.0.3")


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("anna", "maintainer", "kurz", "at least 10"),
        ("anna", "chef", PASSWORD, "unknown role"),
        ("../x", "admin", PASSWORD, "user name"),
        ("", "admin", PASSWORD, "user name"),
    ],
)
def test_bad_accounts_are_refused(
    store: AccountStore, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        store.add_user(name, role, password)
    assert store.users() == []


def test_tokens_are_stored_hashed_and_can_be_revoked(store: AccountStore, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", admin_token="legacy-admin-token")
    store.add_user("bert", "admin", PASSWORD)
    token, raw = store.create_token("bert", "Skript")
    assert raw.startswith(f"kbt_{token.id}_") and len(raw) > 40
    assert raw not in raw_db(store, tmp_path)
    who = verify_api_token(store, settings, raw)
    assert who is not None and (who.name, who.role, who.via) == ("bert", "admin", "token")
    assert verify_api_token(store, settings, raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert verify_api_token(store, settings, "") is None
    legacy = verify_api_token(store, settings, "legacy-admin-token")
    assert legacy is not None and legacy.role == "admin"

    store.revoke_token(token.id)
    assert verify_api_token(store, settings, raw) is None
    with pytest.raises(NotFound):
        store.revoke_token(token.id)
    with pytest.raises(NotFound):
        store.create_token("niemand")


def test_logout_and_idle_timeout_end_a_session(store: AccountStore, tmp_path: Path) -> None:
    store.add_user("anna", "maintainer", PASSWORD)
    raw, _ = store.login("anna", PASSWORD, "10.0.0.1")
    assert store.session(raw) is not None
    store.logout(raw)
    assert store.session(raw) is None

    raw, _ = store.login("anna", PASSWORD, "10.0.0.1")
    db = sqlite3.connect(tmp_path / "data" / "accounts.sqlite3")
    with db:  # the browser was idle longer than KB_SESSION_IDLE_MINUTES
        db.execute("UPDATE sessions SET last_seen=?", (time.time() - 31 * 60,))
    db.close()
    assert store.session(raw) is None
    assert store.session("ausgedacht") is None


def test_removing_a_user_ends_sessions_and_tokens(store: AccountStore, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    store.add_user("anna", "maintainer", PASSWORD)
    raw_session, _ = store.login("anna", PASSWORD, "10.0.0.1")
    _, raw_token = store.create_token("anna")
    store.remove_user("anna")
    assert store.session(raw_session) is None
    assert verify_api_token(store, settings, raw_token) is None
    with pytest.raises(AccessDenied):
        store.login("anna", PASSWORD, "10.0.0.1")


def test_failed_logins_are_slowed_down_then_locked(store: AccountStore) -> None:
    store.add_user("anna", "maintainer", PASSWORD)
    for ip in ("1.1.1.1", "1.1.1.2"):  # two failures: still free to try at once
        with pytest.raises(AccessDenied):
            store.login("anna", "falsch-falsch", ip)
    with pytest.raises(TooManyAttempts) as slowed:  # now one must wait, even with the password
        store.login("anna", PASSWORD, "1.1.1.3")
    assert 1 <= slowed.value.retry_after_s <= 2
    time.sleep(1.1)
    with pytest.raises(AccessDenied):
        store.login("anna", "falsch-falsch", "1.1.1.4")  # 3rd failure; wait 2 s now
    time.sleep(2.1)
    with pytest.raises(AccessDenied):
        store.login("anna", "falsch-falsch", "1.1.1.5")  # 4th: locked for 5 minutes
    with pytest.raises(TooManyAttempts, match="gesperrt") as locked:
        store.login("anna", PASSWORD, "1.1.1.6")
    assert 250 < locked.value.retry_after_s <= 301
    store.unlock("anna")  # an admin lifts the lock
    raw, who = store.login("anna", PASSWORD, "1.1.1.7")
    assert who.name == "anna" and raw


def test_an_address_is_slowed_down_but_never_locked(store: AccountStore) -> None:
    """Many people may share one address (a proxy): failures across accounts slow it down."""
    for name in ("anna", "bert", "carl", "dora", "emil"):
        store.add_user(name, "maintainer", PASSWORD)
    for attempt, name in enumerate(("anna", "bert", "carl", "dora", "emil")):
        if attempt >= 2:
            time.sleep(2.0 ** (attempt - 2) + 0.1)  # the address waits 1 s, 2 s, 4 s
        with pytest.raises(AccessDenied) as failed:
            store.login(name, "falsch-falsch", "10.9.9.9")
        assert not isinstance(failed.value, TooManyAttempts)
    with pytest.raises(TooManyAttempts, match="warten"):  # slowed, not locked
        store.login("anna", PASSWORD, "10.9.9.9")
    _, who = store.login("anna", PASSWORD, "10.9.9.10")  # the account itself is fine
    assert who.name == "anna"
