"""Countries named in text (their German and English names from ISO 3166, via pycountry).

A near-miss question often asks about a group of people the documents do not describe
("Familien aus Syrien") while the passage gives the figure for others; the slot check treats a
country of the question like a town of it (kb/answer/slots.py). In the cited text a country
also counts as named by its adjective ("syrische Familien"): any word beginning with the first
four letters of its name — lenient on purpose, since a missed mention only hedges an answer.
The country the documents are written in is left out: a German text seldom names Germany.
"""

import gettext
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HOME = frozenset({"DE"})
STEM = 4


@dataclass(frozen=True)
class Country:
    name: str  # the German name, e.g. "Syrien"
    stems: tuple[str, ...]  # lower-case beginnings that name it in the cited text


class Countries:
    def __init__(self, names: dict[str, Country]) -> None:
        self._by_name = names  # every spelling (German, English; lower case) → its country
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        self._regex = re.compile(rf"(?<![\w-])({alternatives})s?(?![\w-])", re.I)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "Countries":
        import pycountry  # imported on first use, not at import time

        data = Path(pycountry.DATABASE_DIR) / "iso3166-1.json"
        german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
        names: dict[str, Country] = {}
        for entry in json.loads(data.read_text(encoding="utf-8"))["3166-1"]:
            if entry["alpha_2"] in HOME:
                continue
            english = [e for e in (entry.get("common_name"), entry["name"]) if e]
            spellings = [*(german.gettext(e) for e in english), *english]
            spellings = [s for s in spellings if "," not in s and "(" not in s]
            if not spellings:
                continue
            country = Country(
                spellings[0], tuple(dict.fromkeys(s[:STEM].lower() for s in spellings))
            )
            for spelling in spellings:
                if len(spelling) >= STEM:
                    names.setdefault(spelling.lower(), country)
        return cls(names)

    def find(self, text: str) -> list[Country]:
        """Countries named in ``text`` by their full name, in order of first mention."""
        found: dict[str, Country] = {}
        for m in self._regex.finditer(text):
            country = self._by_name.get(m.group(1).lower())
            if country is not None:
                found.setdefault(country.name, country)
        return list(found.values())
