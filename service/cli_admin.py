"""`kb users …`, `kb tokens …` and the document lifecycle commands of `kb docs …`.

Heavy modules load inside the commands; every change is written to the audit log with the
shell user as the actor.
"""

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from service.accounts import AccountStore
    from service.audit import AuditLog

users_app = typer.Typer(help="Maintainer accounts for the web workspace.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens (Authorization: Bearer …).", no_args_is_help=True)
ACCOUNTS_DB = "accounts.sqlite3"


def cli_actor() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unbekannt"
    return f"{name} (Kommandozeile)"


@contextmanager
def _accounts() -> Iterator[tuple["AccountStore", "AuditLog"]]:
    from service.accounts import AccountStore
    from service.audit import AuditLog
    from service.cli import _settings

    settings = _settings()
    accounts = AccountStore(settings.data_dir / ACCOUNTS_DB, settings)
    audit = AuditLog(settings.data_dir / ACCOUNTS_DB)
    try:
        yield accounts, audit
    finally:
        accounts.close()
        audit.close()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="maintainer or admin.")] = "maintainer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add an account (the password is asked for, or read from stdin)."""
    password = _read_password(password_stdin)
    with _accounts() as (accounts, audit):
        user = accounts.add_user(name, role, password)
        audit.record(cli_actor(), "user_add", user=user.name, role=user.role)
    typer.echo(f"Added {user.name} ({user.role}).")


@users_app.command("list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the accounts and their roles."""
    with _accounts() as (accounts, _):
        users = accounts.users()
    if as_json:
        typer.echo(json.dumps([{"name": u.name, "role": u.role} for u in users], indent=2))
        return
    if not users:
        typer.echo("No accounts yet (kb users add NAME --role admin).")
    for u in users:
        typer.echo(f"{u.name}\t{u.role}\tsince {_day(u.created_at)}")


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Remove an account; its sessions end and its tokens are revoked."""
    with _accounts() as (accounts, audit):
        accounts.remove_user(name)
        audit.record(cli_actor(), "user_remove", user=name)
    typer.echo(f"Removed {name}.")


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a new password (ends the account's sessions)."""
    password = _read_password(password_stdin)
    with _accounts() as (accounts, _):
        accounts.set_password(name, password)
    typer.echo(f"New password set for {name}.")


@users_app.command("unlock")
def users_unlock(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Lift a temporary lock after too many failed logins."""
    with _accounts() as (accounts, _):
        accounts.unlock(name)
    typer.echo(f"Unlocked {name}.")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="The account the token acts for.")],
    label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
) -> None:
    """Create an API token; it is printed once, alone on the last line."""
    with _accounts() as (accounts, audit):
        token, raw = accounts.create_token(name, label)
        audit.record(cli_actor(), "token_create", user=name, token=token.id)
    typer.echo(f"Token {token.id} for {name} ({accounts_role(name)}). It is shown only now:")
    typer.echo(raw)


def accounts_role(name: str) -> str:
    with _accounts() as (accounts, _):
        user = accounts.user(name)
    return user.role if user else "?"


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="Token id (kb tokens list).")],
) -> None:
    """Revoke a token at once."""
    with _accounts() as (accounts, audit):
        token = accounts.revoke_token(token_id)
        audit.record(cli_actor(), "token_revoke", user=token.user, token=token.id)
    typer.echo(f"Revoked {token.id} ({token.user}).")


@tokens_app.command("list")
def tokens_list() -> None:
    """Show tokens (ids, owners, labels; never the secrets)."""
    with _accounts() as (accounts, _):
        tokens = accounts.tokens()
    for t in tokens:
        state = f"revoked {_day(t.revoked_at)}" if t.revoked_at else "active"
        used = f"last used {_day(t.last_used_at)}" if t.last_used_at else "never used"
        typer.echo(f"{t.id}\t{t.user}\t{state}\t{used}\t{t.label or ''}")


def _day(ts: float | None) -> str:
    return datetime.fromtimestamp(ts or 0, UTC).strftime("%Y-%m-%d")
