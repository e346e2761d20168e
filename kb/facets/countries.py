"""Countries named in text (their German and English names from ISO 3166, via pycountry, and
the everyday names the standard lacks: "Russland", "USA", "Großbritannien", "Kosovo").

A near-miss question often asks about a group of people the documents do not describe
("Familien aus Syrien") while the passage gives the figure for others; the slot check treats a
country of the question like a town of it (kb/answer/slots.py). Names match case-sensitively
(a country is a proper noun: the English "island" is not Iceland). In the cited text a country
also counts as named by its adjective: an "-isch" word beginning with the first four letters
of one of its names ("syrische", "afghanischen"). That can let a wrong figure through for two
countries that begin alike ("schwedisch" for Switzerland), never hedge a right one.
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
# Everyday names ISO 3166 spells otherwise ("Russische Föderation", "Türkiye"), by alpha-2 code.
EVERYDAY = {
    "RU": ("Russland", "Russia"),
    "US": ("USA", "Vereinigte Staaten", "United States", "Amerika", "America"),
    "GB": ("Großbritannien", "Vereinigtes Königreich", "Britain", "Great Britain", "England"),
    "TR": ("Türkei", "Turkey"),
    "PS": ("Palästina", "Palestine"),
    "SY": ("Syrien", "Syria"),
    "IR": ("Iran",),
    "KR": ("Südkorea", "South Korea"),
    "KP": ("Nordkorea", "North Korea"),
    "MD": ("Moldau", "Moldawien", "Moldova"),
    "VN": ("Vietnam",),
    "CZ": ("Tschechien", "Czechia"),
    "XK": ("Kosovo",),
}


@dataclass(frozen=True)
class Country:
    name: str  # the German name, e.g. "Syrien"
    stems: tuple[str, ...]  # lower-case beginnings of its adjective ("syri")


class Countries:
    def __init__(self, names: dict[str, Country]) -> None:
        self._by_name = names  # every spelling (German, English) → its country
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        self._regex = re.compile(rf"(?<![\w-])({alternatives})s?(?![\w-])")

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "Countries":
        import pycountry  # imported on first use, not at import time

        data = Path(pycountry.DATABASE_DIR) / "iso3166-1.json"
        german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
        spellings: dict[str, list[str]] = {code: list(names) for code, names in EVERYDAY.items()}
        for entry in json.loads(data.read_text(encoding="utf-8"))["3166-1"]:
            english = [e for e in (entry.get("common_name"), entry["name"]) if e]
            found = spellings.setdefault(entry["alpha_2"], [])
            found += [*(german.gettext(e) for e in english), *english]
        names: dict[str, Country] = {}
        for code, found in spellings.items():
            usable = [s for s in dict.fromkeys(found) if "," not in s and "(" not in s]
            if code in HOME or not usable:
                continue
            country = Country(usable[0], tuple(dict.fromkeys(s[:STEM].lower() for s in usable)))
            for spelling in usable:
                if len(spelling) >= 3:  # "USA"
                    names.setdefault(spelling, country)
        return cls(names)

    def find(self, text: str) -> list[Country]:
        """Countries named in ``text`` by one of their names, in order of first mention."""
        found: dict[str, Country] = {}
        for m in self._regex.finditer(text):
            country = self._by_name.get(m.group(1))
            if country is not None:
                found.setdefault(country.name, country)
        return list(found.values())
