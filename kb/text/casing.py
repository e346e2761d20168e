"""The capitals of a question typed all in lower case, as the documents write its words.

Chat users often type "gibts in wuppertal so nen ort …" or "machen bei uns im kreis neuss alle
mit?". The embedding model reads case: "kreis neuss" does not meet the passages about the
"Rhein-Kreis Neuss" as "Kreis Neuss" does, and the place and name checks look for capitals. A
word the documents write capitalised in the middle of a sentence more often than not (a noun, a
name) is capitalised, an acronym is written as the documents write it ("ki" → "KI"); words the
documents do not use stay as they are.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# what may stand before a word that opens a sentence (where German capitalises any word)
_OPENS = re.compile(r"(?:^|[.!?:;•*\-–„\"“(]\s*|\n\s*)$")


@dataclass(frozen=True)
class Casing:
    forms: dict[str, str]  # lower-case word → how the documents write it mid-sentence, if not so
    # ... and for another form of a word ("mutter" where they write "Mütter"): the stems the
    # documents write capitalised more often than not
    capitalised_stems: frozenset[str] = frozenset()
    stem: Callable[[str], str] | None = field(default=None, compare=False)

    @classmethod
    def of(cls, texts: Iterable[str], stem: Callable[[str], str] | None = None) -> "Casing":
        """The written forms of the words of ``texts``, counted where a sentence goes on."""
        counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            for m in _WORD.finditer(text):
                if _OPENS.search(text[max(0, m.start() - 3) : m.start()]):
                    continue
                word = m.group()
                counts[word.lower()][word] += 1
        forms = {}
        by_stem: defaultdict[str, Counter[bool]] = defaultdict(Counter)
        for lower, seen in counts.items():
            form, n = seen.most_common(1)[0]
            if form != lower and n * 2 > sum(seen.values()):
                forms[lower] = form
            if stem is not None:
                for word, k in seen.items():
                    by_stem[stem(lower)][word[0].isupper()] += k
        capitalised = frozenset(s for s, c in by_stem.items() if c[True] > c[False])
        return cls(forms, capitalised, stem)

    def _form(self, word: str) -> str:
        form = self.forms.get(word)
        if form is not None:
            return form
        if self.stem is not None and self.stem(word) in self.capitalised_stems:
            return word[:1].upper() + word[1:]
        return word

    def restore(self, question: str) -> str:
        """``question`` with its words written as the documents write them, when it has no
        capital letter at all (else the asker chose them: it is returned unchanged)."""
        if any(c.isupper() for c in question):
            return question
        restored = _WORD.sub(lambda m: self._form(m.group()), question)
        return restored[:1].upper() + restored[1:]
