"""Who runs this deployment: the initiative's name, the welcome text and example questions of the
widget, colours, contact and footer lines. Data, not code: KB_DATA_DIR/site.json (edited by
admins on /admin/settings), falling back to kb/data/site-default.json. Templates, the widget and
the answer prompt take every such text from here."""

import json
import os
import re
import tempfile
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kb.errors import ConfigError, InvalidInput

SITE_FILE = "site.json"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG AA for normal text: white on the primary colour must stay readable


class SiteSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    title: str = Field(min_length=1, max_length=200)
    subject: str = Field(min_length=1, max_length=300)  # "die Initiative …", for the prompt
    welcome: str = Field(min_length=1, max_length=1000)
    examples: list[str] = Field(default_factory=list, max_length=6)
    primary_color: str
    accent_color: str
    contact: str = Field(default="", max_length=500)
    footer: str = Field(default="", max_length=1000)

    @field_validator("name", "title", "subject", "welcome", "contact", "footer")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return " ".join(v.split())

    @field_validator("examples")
    @classmethod
    def _examples(cls, v: list[str]) -> list[str]:
        out = [" ".join(q.split()) for q in v if q.strip()]
        if any(len(q) > 200 for q in out):
            raise ValueError("an example question has more than 200 characters")
        return out

    @field_validator("primary_color", "accent_color")
    @classmethod
    def _colour(cls, v: str) -> str:
        if not _COLOUR.match(v.strip()):
            raise ValueError("a colour is written #rrggbb, e.g. #0b5394")
        return v.strip().lower()

    @field_validator("primary_color")
    @classmethod
    def _readable(cls, v: str) -> str:
        if contrast(v, "#ffffff") < MIN_CONTRAST:
            raise ValueError(
                f"white text on {v} is hard to read (contrast {contrast(v, '#ffffff'):.1f}:1, "
                f"at least {MIN_CONTRAST}:1 needed); choose a darker colour"
            )
        return v


def defaults() -> SiteSettings:
    text = resources.files("kb").joinpath("data", "site-default.json").read_text("utf-8")
    return SiteSettings(**json.loads(text))


def load_site(data_dir: Path) -> SiteSettings:
    path = data_dir / SITE_FILE
    if not path.is_file():
        return defaults()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return SiteSettings(**{**defaults().model_dump(), **raw})
    except (OSError, ValueError, ValidationError) as e:
        raise ConfigError(f"{path} is not valid site settings: {e}") from e


def save_site(data_dir: Path, values: dict[str, object]) -> SiteSettings:
    """Validate and write atomically; InvalidInput says what is wrong."""
    try:
        site = SiteSettings(**{**load_site(data_dir).model_dump(), **values})
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc']))}: {err['msg'].removeprefix('Value error, ')}"
            for err in e.errors()
        )
        raise InvalidInput(problems) from None
    data_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".site-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(site.model_dump(), f, ensure_ascii=False, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, data_dir / SITE_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return site


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
