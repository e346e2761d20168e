"""Places in NRW (all municipalities and districts, kb/data/nrw_places.tsv) recognised in text.

Names match as whole words, with hyphens and spaces interchangeable ("Rhein-Kreis-Neuss"),
in the genitive ("Münsters", "Kreises Viersen") and as residents' adjectives ("Bielefelder",
"Münsteraner"). A suffix like "(Westf.)" is optional. Names that are also ordinary German words
("Lage", "Halle", "Wenden", "Wetter") only count with a place cue ("in Lage", "Stadt Halle").
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Municipality names that are also common German words: they need a place cue.
HOMOGRAPHS = frozenset(
    "Lage Halle Alpen Heiden Senden Much Hille Wenden Schlangen Enger Wetter Inden Bünde Löhne "
    "Kall Ense Reken Brühl Verl Rees Haan".split()
)
_CUE_WORDS = "in|aus|nach|bei|von|Stadt|Gemeinde|Kommune|Kreis|Raum"
_CUE = re.compile(rf"(?:\b(?:{_CUE_WORDS})\s+)$")
# ... as a question typed in lower case writes them, "im" too ("im kreis viersen")
TYPED_CUE = re.compile(rf"\b(?:im|{_CUE_WORDS.lower()})\s+$")


@dataclass(frozen=True)
class Place:
    name: str  # as in the list, e.g. "Halle (Westf.)", "Kreis Viersen"
    kind: str  # kreisfreie_stadt | kreis | gemeinde
    district: str  # the Kreis of a gemeinde, else ""

    @property
    def label(self) -> str:
        """Name without a disambiguating suffix: "Halle (Westf.)" → "Halle"."""
        return re.sub(r"\s*\(.*\)$", "", self.name)


class Gazetteer:
    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self.by_name = {p.name: p for p in places}
        self._by_key: dict[str, Place] = {}
        patterns = []
        named = [(p.label, p) for p in places] + [(a, p) for p in places for a in _aliases(p)]
        for label, place in sorted(named, key=lambda n: -len(n[0])):
            key = _key(label)
            self._by_key.setdefault(key, place)
            patterns.append(_pattern(label))
        self._regex = re.compile(
            r"(?<![\w-])("
            + "|".join(patterns)
            + r")(?:s|er|aner|es)?(?:\s*\([^)]{1,12}\))?(?![\w-])"
        )

    @classmethod
    def load(cls) -> "Gazetteer":
        return _load()

    def find(self, text: str) -> list[Place]:
        """Places mentioned in ``text``, in order of first mention."""
        found: dict[str, Place] = {}
        for place, _, _ in self.mentions(text):
            found.setdefault(place.name, place)
        return list(found.values())

    def mentions(self, text: str) -> list[tuple[Place, int, int]]:
        """Every mention with its span (word forms like "Münsteraner" included)."""
        out = []
        for m in self._regex.finditer(text):
            place = self._by_key.get(_key(m.group(1)))
            if place is None:
                continue
            before = text[max(0, m.start() - 12) : m.start()]
            if place.label in HOMOGRAPHS and not _CUE.search(before):
                continue
            out.append((place, m.start(), m.end()))
        return out

    def word_towns(self) -> list[str]:
        """Town names that are German words as well: the homographs and those shaped like an
        infinitive or a plural ("Essen", "Siegen", "Kamen")."""
        return [
            p.label
            for p in self.places
            if re.fullmatch(r"[^\W\d_]+", p.label)
            and (p.label in HOMOGRAPHS or p.label.lower().endswith("en"))
        ]

    def within(self, name: str) -> set[str]:
        """A place and, for a district, its municipalities (for filtering by place)."""
        return {name} | {p.name for p in self.places if p.district == name}


# A district's vehicle registration code, which writing uses as its short name ("EN-Kreis"
# for the Ennepe-Ruhr-Kreis); the code alone is too ambiguous a word ("EN", "SO", "UN").
_PLATES = {
    "Kreis Kleve": "KLE", "Kreis Mettmann": "ME", "Rhein-Kreis Neuss": "NE",
    "Kreis Viersen": "VIE", "Kreis Wesel": "WES", "Kreis Düren": "DN", "Rhein-Erft-Kreis": "BM",
    "Kreis Euskirchen": "EU", "Kreis Heinsberg": "HS", "Oberbergischer Kreis": "GM",
    "Rheinisch-Bergischer Kreis": "GL", "Rhein-Sieg-Kreis": "SU", "Kreis Borken": "BOR",
    "Kreis Coesfeld": "COE", "Kreis Recklinghausen": "RE", "Kreis Steinfurt": "ST",
    "Kreis Warendorf": "WAF", "Kreis Gütersloh": "GT", "Kreis Herford": "HF",
    "Kreis Höxter": "HX", "Kreis Lippe": "LIP", "Kreis Minden-Lübbecke": "MI",
    "Kreis Paderborn": "PB", "Ennepe-Ruhr-Kreis": "EN", "Hochsauerlandkreis": "HSK",
    "Märkischer Kreis": "MK", "Kreis Olpe": "OE", "Kreis Siegen-Wittgenstein": "SI",
    "Kreis Soest": "SO", "Kreis Unna": "UN",
}  # fmt: skip


def _aliases(place: Place) -> list[str]:
    """Other names a district goes by: its genitive ("des Kreises Viersen", "des
    Rhein-Kreises Neuss"), the short name of one with a prefix ("Kreis Neuss", "Kreises
    Neuss" for the Rhein-Kreis Neuss; "Neuss" alone is the town), one named by an adjective
    as it inflects ("im Märkischen Kreis", "des Oberbergischen Kreises"), and its registration
    code with "-Kreis" ("EN-Kreis", "des EN-Kreises")."""
    if place.kind != "kreis":
        return []
    plate = [f"{_PLATES[place.name]}-Kreis"] if place.name in _PLATES else []
    if m := re.fullmatch(r"([\w-]+)er Kreis", place.label):  # "im Märkischen Kreis"
        return [f"{m.group(1)}en Kreis", f"{m.group(1)}en Kreises", *plate]
    if "Kreis " not in place.label:
        return plate
    genitive = place.label.replace("Kreis ", "Kreises ", 1)
    m = re.fullmatch(r"[\w-]+-Kreis (\w[\w -]*)", place.label)
    short = [f"Kreis {m.group(1)}", f"Kreises {m.group(1)}"] if m else []
    return [genitive, *short, *plate]


def _key(label: str) -> str:
    return re.sub(r"[\s-]+", " ", label.strip()).lower()


def _pattern(label: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s-]+", label)]
    return r"[\s-]+".join(parts)


@lru_cache(maxsize=1)
def _load() -> Gazetteer:
    text = resources.files("kb").joinpath("data/nrw_places.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return Gazetteer([Place(r["name"], r["kind"], r["district"] or "") for r in rows])
