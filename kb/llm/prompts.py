"""Versioned prompt files (package data in prompts/).

A file has ``#`` comment lines at the top, then an ``=== system ===`` and an ``=== user ===``
section with ``{placeholders}``. The file name carries the version (``answer_de_v2.txt``); the
prompt id that answers record is the name plus a hash of the content, so an edit without a new
name is still traceable.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from importlib import resources

from kb.errors import ConfigError

_SECTION = re.compile(r"^=== (system|user) ===$", re.M)
_NAME = re.compile(r"^[\w.-]+\.txt$")


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    system: str
    user: str
    digest: str

    @property
    def id(self) -> str:
        return f"{self.name}#{self.digest}"

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) with the placeholders filled (values are inserted, never parsed)."""
        return self.system.format(**values), self.user.format(**values)

    def messages(self, system_role: bool = True, **values: str) -> list[dict[str, str]]:
        """Chat messages; without ``system_role`` (chat templates that drop or reject system
        messages) the instructions open the user message."""
        return as_messages(*self.render(**values), system_role=system_role)


def as_messages(system: str, user: str, system_role: bool = True) -> list[dict[str, str]]:
    if not system_role:
        return [{"role": "user", "content": f"{system}\n\n{user}"}]
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def load_prompt(name: str) -> PromptTemplate:
    if not _NAME.match(name) or ".." in name:
        raise ConfigError(f"prompt file names look like 'answer_de_v2.txt', not {name!r}")
    path = resources.files("prompts").joinpath(name)
    if not path.is_file():
        raise ConfigError(f"prompt file {name!r} not found in prompts/")
    text = path.read_text("utf-8")
    parts = _SECTION.split(text)
    # ["header", "system", body, "user", body]
    if len(parts) != 5 or parts[1] != "system" or parts[3] != "user":
        raise ConfigError(f"prompt file {name!r} needs '=== system ===' then '=== user ==='")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return PromptTemplate(name, parts[2].strip(), parts[4].strip(), digest)


def boundary() -> str:
    """A fresh delimiter tag per request: a document cannot guess it to close the data block."""
    return secrets.token_hex(6)


def fence(text: str) -> str:
    """Defuse anything in untrusted text that looks like one of our block delimiters."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")
