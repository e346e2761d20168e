"""Request and response models of the maintainers' API."""

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kb.errors import InvalidInput
from kb.facets.places import Gazetteer
from kb.facets.topics import TOPIC_IDS
from kb.models import DOCUMENT_KINDS

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
METADATA_FIELDS = ("title", "date", "kind", "places", "topics", "source_url", "description")


class MetadataIn(BaseModel):
    """Every field optional: what is given replaces what was there."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    date: str | None = Field(default=None, max_length=10)
    kind: str | None = None
    places: list[str] | None = Field(default=None, max_length=30)
    topics: list[str] | None = Field(default=None, max_length=20)
    source_url: str | None = Field(default=None, max_length=2000)
    description: str | None = Field(default=None, max_length=2000)

    @field_validator("title", "description")
    @classmethod
    def _strip(cls, v: str | None) -> str | None:
        return " ".join(v.split()) if v is not None and v.strip() else None

    @field_validator("date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        v = (v or "").strip()
        if not v:
            return None
        if not _DATE.match(v):
            raise ValueError("Datum als JJJJ, JJJJ-MM oder JJJJ-MM-TT (date as YYYY[-MM[-DD]])")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str | None) -> str | None:
        if v is not None and v not in DOCUMENT_KINDS:
            raise ValueError(f"Art muss eine von {', '.join(DOCUMENT_KINDS)} sein")
        return v

    @field_validator("places")
    @classmethod
    def _places(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        known = Gazetteer.load().by_name
        names = list(dict.fromkeys(p.strip() for p in v if p.strip()))
        unknown = [p for p in names if p not in known]
        if unknown:
            raise ValueError(f"unbekannte Orte (unknown places): {', '.join(unknown)}")
        return names

    @field_validator("topics")
    @classmethod
    def _topics(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        names = list(dict.fromkeys(t.strip() for t in v if t.strip()))
        unknown = [t for t in names if t not in TOPIC_IDS]
        if unknown:
            raise ValueError(f"unbekannte Themen (unknown topics): {', '.join(unknown)}")
        return names

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        v = (v or "").strip()
        if not v:
            return None
        if not re.match(r"^https?://[^\s/$.?#][^\s]*$", v, re.I):
            raise ValueError("Quelle muss eine http(s)-Adresse sein (source_url must be http(s))")
        return v

    def given(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class RestoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str = Field(min_length=1, max_length=64)


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metadata: MetadataIn | None = None


def metadata_from_fields(fields: dict[str, list[str]]) -> MetadataIn:
    """Metadata from form fields: lists as repeated fields or comma-separated; empty text
    fields are "not given" (a form always sends every field)."""
    raw: dict[str, Any] = {}
    for key in METADATA_FIELDS:
        values = [v for v in fields.get(key, []) if v is not None]
        if key in ("places", "topics"):
            if key in fields or f"{key}_present" in fields:
                raw[key] = [p for v in values for p in v.split(",")]
        elif values and values[-1].strip():
            raw[key] = values[-1]
    return parse_metadata(raw)


def parse_metadata(raw: dict[str, Any]) -> MetadataIn:
    try:
        return MetadataIn(**raw)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
            for err in e.errors()
        )
        raise InvalidInput(problems) from None
