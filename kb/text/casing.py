"""The capitals of a German question typed in lower case, as the documents write its words.

Chat users often type "gibts in wuppertal so nen ort …" or "machen bei uns im kreis neuss alle
mit?". The embedding model reads case: "kreis neuss" does not meet the passages about the
"Rhein-Kreis Neuss" as "Kreis Neuss" does, and the place and name checks look for capitals. A
word the documents write capitalised in the middle of a sentence more often than not (a noun, a
name), more than once or only so, is capitalised; an acronym is written as the documents write
it ("ki" → "KI"). A word the documents do not use takes the capital of the words with its stem
("mutter" for "Mütter"). Words the documents write in lower case, stopwords, web and e-mail
addresses stay as they are, and so does a town whose name is also a word ("was zu essen" is no
"Essen") unless a word that places it stands before it ("in essen").
"""

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kb.text.qtype import typed_in_lower_case

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# what may stand before a word that opens a sentence (where German capitalises any word)
_OPENS = re.compile(r"(?:^|[.!?:;•*\-–„\"“(]\s*|\n\s*)$")
# a token that is an address, not words: "info@kreis-neuss.de", "www.….de/kita/anmeldung"
_ADDRESS = re.compile(r"\S*(?:@|://|www\.|/)\S*")
MIN_SEEN = 2  # a written form beside others counts once the documents use it this often


@dataclass(frozen=True)
class Casing:
    forms: dict[str, str]  # lower-case word → how the documents write it mid-sentence, if not so
    used: frozenset[str] = frozenset()  # every word the documents use, in lower case
    # for a word they do not use ("mutter" where they write "Mütter"): the stems they write
    # capitalised more often than not
    capitalised_stems: frozenset[str] = frozenset()
    stem: Callable[[str], str] | None = field(default=None, compare=False)
    keep: frozenset[str] = frozenset()  # never changed (stopwords)
    placed_only: frozenset[str] = frozenset()  # town names that are words too ("essen")
    # does the text before such a name place a town there ("in ", "im kreis ")? none: never
    placed: Callable[[str], object] | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        texts: Iterable[str],
        stem: Callable[[str], str] | None = None,
        keep: Iterable[str] = (),
        placed_only: Iterable[str] = (),
        placed: Callable[[str], object] | None = None,
    ) -> "Casing":
        """The written forms of the words of ``texts``, counted where a sentence goes on."""
        counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            text = unicodedata.normalize("NFC", text)
            for m in _WORD.finditer(text):
                if _OPENS.search(text[max(0, m.start() - 3) : m.start()]):
                    continue
                word = m.group()
                counts[word.lower()][word] += 1
        forms = {}
        by_stem: defaultdict[str, Counter[bool]] = defaultdict(Counter)
        for lower, seen in counts.items():
            form, n = seen.most_common(1)[0]
            # the most frequent form, if it is not the lower-case one and is seen more than once
            # or is the only one ("arbeiten" six times and "Arbeiten" once stays lower case)
            often = n >= MIN_SEEN or len(seen) == 1
            if form != lower and n * 2 > sum(seen.values()) and often:
                forms[lower] = form
            if stem is not None:
                group = by_stem[stem(lower)]
                for word, k in seen.items():
                    group[word[0].isupper()] += k
        capitalised = frozenset(s for s, c in by_stem.items() if c[True] > c[False])
        return cls(
            forms,
            frozenset(counts),
            capitalised,
            stem,
            frozenset(w.lower() for w in keep),
            frozenset(w.lower() for w in placed_only),
            placed,
        )

    def restore(self, question: str) -> str:
        """``question`` with its words written as the documents write them, when it is typed in
        lower case (qtype.typed_in_lower_case: no capital after the first word but acronyms;
        else the asker chose them and it is returned unchanged)."""
        question = unicodedata.normalize("NFC", question)
        if not typed_in_lower_case(question):
            return question
        addresses = [m.span() for m in _ADDRESS.finditer(question)]

        def form(m: re.Match[str]) -> str:
            word = m.group()
            if any(a <= m.start() < b for a, b in addresses):
                return word
            return self._form(word, question[: m.start()])

        restored = _WORD.sub(form, question)
        first = restored[:1].upper()
        return (first if len(first) == 1 else restored[:1]) + restored[1:]

    def _form(self, word: str, before: str) -> str:
        if word in self.keep:
            return word
        if word in self.placed_only and not (self.placed and self.placed(before)):
            return word
        form = self.forms.get(word)
        if form is not None:
            return form
        if word in self.used or self.stem is None:
            return word  # the documents write it in lower case (or as often both ways)
        # ... by its stem, but not a verb's form in -t ("bedeutet" is no "Bedeutung")
        if not word.endswith("t") and self.stem(word) in self.capitalised_stems:
            return word[:1].upper() + word[1:]
        return word
