"""German-first analyzer for BM25.

Lowercasing, gender forms ("Vertreter/innen", "Schüler*innen") reduced to the base word,
hyphenated compounds indexed whole and by part, compound splitting against the corpus
vocabulary ("Bündniskerngruppe" → bündnis + kerngruppe), Snowball German stemming, ä/ö/ü/ß
folding, participles also by the stem of their verb or noun ("aufgerufen" → aufruf), German and
English stopwords.
"""

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache

# "\b" only after letters: "Bürger(innen) und" has no word boundary after ")".
_GENDER = re.compile(
    r"(?<=[a-zäöüß])(?:[/*:_]-?(?:inn/?en|in/?ne/?n|innen|in)\b|\(innen\)|\(in\)|Innen\b)"
)
_WORD = re.compile(r"[a-zäöüß0-9]+(?:-[a-zäöüß0-9]+)*")
# An "'s" before a hyphen ("Gemeinsam-klappt's-Bündnisse", "klappt's-Bündnis"): the word goes on
# as one hyphenated compound
_APOSTROPHE_S = re.compile(r"(?<=[a-zäöüß])['’]s-(?=[a-zäöüß0-9])")
# A compound cut short ("Hauptschul- oder mittleren Schulabschlusses"), and the words, up to
# three, among which the compound that completes it stands
_CUT_SHORT = re.compile(
    r"\b([a-zäöüß]{3,})-\s+(?:und|oder|bzw\.?|sowie)\s+((?:[a-zäöüß]+\s+){0,2}[a-zäöüß]+)"
)
# The particles of separable verbs ("ein" of "einladen", "ab" of "ablaufen")
_PARTICLES = (
    "ab|an|auf|aus|bei|dar|durch|ein|fest|fort|her|hin|los|mit|nach|um|vor|weg|weiter|zu|"
    "zurück|zusammen"
)
# A past participle, after a separable prefix or none ("aufgerufen", "eingeführte",
# "gefördert"); not a noun in -heit, -keit, -schaft ("Gelegenheit")
_PARTICIPLE = re.compile(
    rf"^({_PARTICLES})?ge(?![a-zäöüß]*(?:heit|keit|schaft)(?:en)?$)([a-zäöüß]{{3,}}?)(et|t|en)"
    r"(?:e|en|er|es|em)?$"
)
# A separable verb's particle at the end of its clause ("Wer lädt zu den Fallkonferenzen ein?",
# "Wie läuft das ab, …", "… und stimmt dem Vorschlag zu."): the verb stands apart from it
# ("statt" and "teil" are particles too, though no participle is formed with them)
_SEPARATED = re.compile(
    rf"(?<![\w-])(statt|teil|{_PARTICLES})"
    r"(?=\s*(?:[?.!,;:)–„“”\"]|\s-\s|$)|\s+(?:und|oder|sowie|bzw)\s)"
)
_CLAUSE_END = re.compile(r"[?.!,;:()–]|\s-\s")
_CASED_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
# ... how far back in its clause the verb is looked for (a long clause is read once)
_CLAUSE_CHARS = 200
# ... the verb: a word with the ending of a finite verb in the present ("lädt", "nehmen"; not
# "teils", an adverb, nor "fand" or "stimmte", whose joined forms are no corpus word's stem),
# not after an article or a possessive ("fällt das Urteil in einer weiteren Kommune … aus" has
# no "ausweiten")
_FINITE = re.compile(r"[a-zäöüß]{2,}(t|en|n|e|st)$")
_ARTICLES = frozenset(
    "der die das den dem des ein eine einen einem einer eines im am zum zur vom beim kein keine "
    "keinen keinem keiner ihr ihre ihren ihrem ihrer sein seine seinen seinem seiner unser "
    "unsere unseren unserem unserer mein meine meinen meinem meiner".split()
)
# ... and the stopwords among the verbs that form separable ones ("mitmachen")
_LIGHT_VERBS = frozenset("macht machen machte machten gibt geben".split())
_LINKING = ("s", "es", "n", "en", "e", "er", "ns")
_CACHED_WORDS = 500_000

GERMAN_STOPWORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes anderm andern anders auch auf aus bei beim bin bis bist bzw da damit dann der
    den des dem die das dass daß du er ihn ihm es ein eine einem einen einer eines euer eure
    eurem euren eurer eures für gegen gewesen hab habe haben hat hatte hatten hier hin
    hinter ich mich mir ihr ihre ihrem ihren ihrer ihres euch im in indem ins ist jede jedem
    jeden jeder jedes jene jenem jenen jener jenes jetzt kann können könnte man manche
    manchem manchen mancher manches mein meine meinem meinen meiner meines mit muss musste
    nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines
    selbst sich sie ihnen sind so solche solchem solchen solcher solches soll sollte sondern
    sonst über um und uns unsere unserem unseren unser unseres unter viel vom von vor war
    waren warst was weil welche welchem welchen welcher welches wenn werde werden wie wieder
    will wir wird wirst wo wollen wollte würde würden zu zum zur zwar gibt gab geben
    eigentlich genau denn mal etwa bitte wer wem wen wieso warum weshalb wozu welcher gut wann
    woher wohin womit wodurch wofür worauf woran worüber wovon
    dort hier dabei dazu davon darüber sowie z b u a d h ggf
    macht machen mache machst machte machten gemacht tun tut tue tat taten getan
    """.split()
)
ENGLISH_STOPWORDS = frozenset(
    """
    the a an and or of to in on for with is are was were be been by at as from that this
    these those which who whom what how why when where does do did there their it its can
    could i we you they he she his her our your my me us them about into than then so such
    any some all also not no yes have has had will would should may might must shall please
    tell
    """.split()
)
STOPWORDS = GERMAN_STOPWORDS | ENGLISH_STOPWORDS


def is_english(question: str) -> bool:
    """More English than German stopwords: the question is asked in English."""
    words = re.findall(r"[a-zäöüß]+", question.lower())
    en = sum(w in ENGLISH_STOPWORDS and w not in GERMAN_STOPWORDS for w in words)
    de = sum(w in GERMAN_STOPWORDS and w not in ENGLISH_STOPWORDS for w in words)
    return en > de


def fold(word: str) -> str:
    return word.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("german")


def words(text: str) -> list[str]:
    """Lowercased words; gender suffixes dropped; hyphenated compounds kept whole."""
    text = unicodedata.normalize("NFC", text)
    text = _GENDER.sub("", text)
    return _WORD.findall(_APOSTROPHE_S.sub("-", text.lower()))


class CompoundSplitter:
    """Splits German compounds into parts known from the corpus (Koehn & Knight 2003).

    Among all decompositions into known words (heads may carry a linking "s"/"n"/"en" or lack
    a final "e"/"n": "Ausbildungs|duldung", "Sprach|förderung"), the one with the highest
    geometric mean of part frequencies wins, if it beats the frequency of the whole word.
    """

    def __init__(
        self,
        vocabulary: Counter[str],
        min_part: int = 4,
        max_parts: int = 4,
        known: Mapping[str, list[str]] | None = None,
    ) -> None:
        """``known``: decisions made before with the same vocabulary (see ``decisions``)."""
        self._vocab = vocabulary
        self._min = min_part
        self._max_parts = max_parts
        self._cache: dict[str, list[str]] = dict(known) if known else {}

    def decisions(self) -> dict[str, list[str]]:
        """The splits worked out so far for words long enough to need the search: stored with
        the lexicon, they spare every reader the search for every word of the corpus."""
        return {w: p for w, p in self._cache.items() if len(w) >= 2 * self._min}

    def split(self, word: str) -> list[str]:
        """Parts of ``word`` (empty when it is not a compound of known words)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        parts: list[str] = []
        if word.isalpha() and len(word) >= 2 * self._min:
            best = self._best(word, self._max_parts, {})
            if best and len(best[1]) > 1 and best[0] > self._vocab.get(word, 0):
                parts = best[1]
        if len(self._cache) >= _CACHED_WORDS:
            self._cache.clear()
        self._cache[word] = parts
        return parts

    def _best(
        self, word: str, budget: int, memo: dict[tuple[str, int], tuple[float, list[str]] | None]
    ) -> tuple[float, list[str]] | None:
        """Best (geometric-mean frequency, parts) decomposition of ``word`` into <= budget parts."""
        key = (word, budget)
        if key in memo:
            return memo[key]
        options: list[tuple[float, list[str]]] = []
        if self._vocab.get(word, 0):
            options.append((float(self._vocab[word]), [word]))
        if budget > 1:
            for i in range(self._min, len(word) - self._min + 1):
                rest = self._best(word[i:], budget - 1, memo)
                if rest is None:
                    continue
                for head in self._heads(word[:i]):
                    n = len(rest[1]) + 1
                    score = (self._vocab[head] * rest[0] ** (n - 1)) ** (1 / n)
                    options.append((score, [head, *rest[1]]))
        result = max(options, key=lambda o: (o[0], -len(o[1]))) if options else None
        memo[key] = result
        return result

    def _heads(self, head: str) -> list[str]:
        candidates = [head] + [head + e for e in ("e", "en", "n")]
        candidates += [head[: -len(link)] for link in _LINKING if head.endswith(link)]
        return [
            c for c in dict.fromkeys(candidates) if len(c) >= self._min and self._vocab.get(c, 0)
        ]


class GermanAnalyzer:
    """``splitter`` splits compounds into corpus words; ``known`` is the corpus vocabulary."""

    def __init__(
        self, splitter: CompoundSplitter | None = None, known: Counter[str] | None = None
    ) -> None:
        self._splitter = splitter
        self._known = known if known is not None else Counter()
        self._stem_cache: dict[str, str] = {}
        # A word's terms depend on the word alone (and this analyzer's lexicon): analysing a
        # passage is then one lookup per word. Bounded: queries bring arbitrary words.
        self._word_terms: dict[str, tuple[str, ...]] = {}
        # the stems of the corpus vocabulary (participles are also indexed by those), once per
        # lexicon, when it is loaded
        self._corpus_stems = frozenset(self.stem(w) for w in self._known)

    def stem(self, word: str) -> str:
        s = self._stem_cache.get(word)
        if s is None:
            s = fold(_stemmer().stemWord(word))
            if len(self._stem_cache) >= _CACHED_WORDS:
                self._stem_cache.clear()
            self._stem_cache[word] = s
        return s

    def query_terms(self, text: str, rejoin: bool = True) -> list[str]:
        """A question's terms, without the whole of a hyphenated compound no corpus word is but
        whose parts all are ("Gemeinsam-klappt's-Bündnisse"): it can match no passage, and it
        would count as a word the documents lack where its parts are found. A compound written
        as one word keeps its whole: "Kreishaus" or "Abgabefrist" may be what the documents do
        not have."""
        unknown = self._unknown_wholes(text)
        return list(dict.fromkeys(t for t in self.terms(text, rejoin) if t not in unknown))

    def _unknown_wholes(self, text: str) -> set[str]:
        if not self._corpus_stems:
            return set()
        out: set[str] = set()
        for word in words(text):
            if "-" not in word:
                continue
            found = self._terms_of_word(word)
            if (
                len(found) > 2
                and found[0] not in self._corpus_stems
                and all(t in self._corpus_stems for t in found[1:])
            ):
                out.add(found[0])
        return out

    def terms(self, text: str, rejoin: bool = True) -> list[str]:
        """Index/query terms: for each word, the stem of the whole word first, then those of
        its hyphen parts and of their compound parts, in order (the last is the head); then
        those of separable verbs (``rejoined``) unless ``rejoin`` is False."""
        out: list[str] = []
        for word in words(text):
            out.extend(self._terms_of_word(word))
        if "- " in text:
            out.extend(self._completed(text))
        if rejoin:
            out.extend(self.rejoined(text))
        return out

    def _terms_of_word(self, word: str) -> tuple[str, ...]:
        """``_word``'s terms of one word, from the cache (a word's terms depend on the word
        alone and this analyzer's lexicon)."""
        cache = self._word_terms
        found = cache.get(word)
        if found is None:
            found = self._word(word)
            if len(cache) >= _CACHED_WORDS:
                cache.clear()
            cache[word] = found
        return found

    def rejoined(self, text: str) -> list[str]:
        """The terms of separable verbs whose particle ends the clause ("Wer lädt zu den
        Fallkonferenzen ein?" → "einlad", as "Einladung" and "einladen" are indexed; "Wie läuft
        das ab?" → "ablauf"): each verb of the clause, joined to the particle, when a word of
        the corpus has the stem. The verbs are the clause's words in lower case (its first word
        too, and every word of a text typed in lower case) with a finite verb's ending; the
        third person's "t" goes ("einlädt" → "einläd")."""
        if not self._corpus_stems:
            return []
        text = unicodedata.normalize("NFC", text)
        lowered = not any(c.isupper() for c in text)
        out: list[str] = []
        ends: list[int] = []
        for m in _SEPARATED.finditer(text):
            particle = m.group(1).lower()
            if not ends:  # where clauses end, once per text that has a particle at the end of one
                ends = [0, *(b.end() for b in _CLAUSE_END.finditer(text))]
            begin = ends[bisect_right(ends, m.start()) - 1]
            clause = _CASED_WORD.findall(text, max(begin, m.start() - _CLAUSE_CHARS), m.start())
            for i, verb in enumerate(clause):
                if not (lowered or i == 0 or verb[0].islower()):
                    continue
                verb = verb.lower()
                if not _FINITE.match(verb) or (verb in STOPWORDS and verb not in _LIGHT_VERBS):
                    continue
                if i > 0 and clause[i - 1].lower() in _ARTICLES:
                    continue
                forms = [particle + verb] + ([particle + verb[:-1]] if verb.endswith("t") else [])
                for form in forms:
                    stem = self.stem(form)
                    if stem in self._corpus_stems and stem not in out:
                        out.append(stem)
        return out

    def _completed(self, text: str) -> list[str]:
        """The terms of compounds cut short before "und"/"oder" ("Hauptschul- oder mittleren
        Schulabschlusses", "Sprach- und Integrationskurse"): the cut word joined to the head of
        the compound that completes it ("hauptschulabschlusses")."""
        out: list[str] = []
        for m in _CUT_SHORT.finditer(unicodedata.normalize("NFC", text).lower()):
            after = (w for w in m.group(2).split() if len(w) >= 6)
            parts = next((p for w in after if (p := self._parts(w))), None)
            found = self._word(m.group(1) + parts[-1]) if parts else ()
            # only a word the corpus writes whole ("Jobsuche" of "Job- und Ausbildungssuche"
            # would be a word no passage has)
            if found and found[0] in self._corpus_stems:
                out.extend(found)
        return out

    def _word(self, word: str) -> tuple[str, ...]:
        out: list[str] = []
        word = self._base_form(word)
        pieces = word.split("-") if "-" in word else []
        whole = word.replace("-", "")
        for w in [whole, *pieces]:
            if not w or w in STOPWORDS or (len(w) < 2 and not w.isdigit()):
                continue
            out.append(self.stem(w))
            out.extend(self._unparticiple(w, out[-1]))
            if w.isalpha():
                out.extend(self.stem(p) for p in self._parts(w) if p not in STOPWORDS)
        return tuple(out)

    def _unparticiple(self, word: str, stem: str) -> list[str]:
        """For a participle ("aufgerufen", "ausgewertet"), the stems of the verb or noun it
        comes from ("aufruf", "auswert") that some corpus word has: the stemmer keeps the
        "ge", so "aufgerufen" met neither "Aufruf" nor "Förderaufruf". At most two."""
        m = _PARTICIPLE.match(word)
        if m is None:
            return []
        prefix, root, ending = m.group(1) or "", m.group(2), m.group(3)
        if not prefix and ending == "en":  # "Gesprächen", "Gesetzen": more often a noun
            return []
        base = prefix + root
        found: list[str] = []
        for candidate in (base + ending, base + "en", base + "n", base + "ung"):
            s = self.stem(candidate)
            if s != stem and s not in found and s in self._corpus_stems:
                found.append(s)
        return found[:2]

    def _base_form(self, word: str) -> str:
        """ "Teilhabemanagerinnen" → "teilhabemanager", "Koordinatorin" → "koordinator",
        when only the base form is in the corpus."""
        if word in self._known:
            return word
        for suffix in ("innen", "in"):
            base = word[: -len(suffix)]
            if word.endswith(suffix) and base.endswith(("er", "or")) and base in self._known:
                return base
        return word

    def _parts(self, word: str) -> list[str]:
        return self._splitter.split(word) if self._splitter is not None else []


def vocabulary(texts: list[str]) -> Counter[str]:
    """Word frequencies of a corpus, hyphen parts included: the compound splitter's lexicon."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in words(text):
            if word in STOPWORDS:
                continue
            counts[word.replace("-", "")] += 1
            if "-" in word:
                counts.update(p for p in word.split("-") if p)
    return counts
