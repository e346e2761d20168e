"""What a model writes is untrusted: it is cleaned before anyone sees it, also while it streams.

Removed: Markdown images (all of them), raw HTML tags, links and bare URLs to anywhere but the
service itself (relative paths, KB_PUBLIC_URL), reference-link definitions, ``[n]`` markers
pointing at no passage. Valid markers are renumbered in order of appearance. ``KEINE_ANTWORT``
turns the answer into a refusal. An ``EchoGuard`` stops output that reproduces a long stretch
of the instructions.

Streaming: text is released as soon as nothing that may still arrive can change it. Held back
are the last word (it may be the start of a URL or a marker) with the whitespace before it, an
unclosed ``[``, ``![``, ``](`` or ``<tag`` until it closes, and a sentence end until the next
word shows whether ``[n]`` markers follow it (``Satz. [1]`` becomes ``Satz [1].``). So tokens
flow about one word behind the model, and a construct is judged only once it is complete.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from kb.errors import OutputRejected

NO_ANSWER = "KEINE_ANTWORT"
LINK_REMOVED = "(Link entfernt)"

_SPECIAL = re.compile(r"[<!\[]|(?i:https?://|ftp://|www\.)")
_URL = re.compile(r"(?i)(?:https?://|ftp://|www\.)[^\s<>\"'\[\]()„“”]*")
_TAG = re.compile(r"<[A-Za-z/!?][^<>]{0,2000}>")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_BRACKET = re.compile(r"\[([^\[\]\n]{0,300})\]")
_BRACKET_OPEN = re.compile(r"\[[^\[\]\n]{0,300}")
_TARGET = re.compile(r"\(\s*([^()\s]*)(?:\s+\"[^\"\n]*\")?\s*\)")
_TARGET_OPEN = re.compile(r"\([^()\n]{0,1000}")
_MARKERS = re.compile(r"\d{1,3}(?:\s*,\s*\d{1,3})*")
_LAST_WORD = re.compile(r"\s*\S*$")
_SENTENCE_END = re.compile(r"[.!?…](?:\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])*\s*$")
_REORDER = re.compile(r"([.!?…])((?:[ \t]*\[\d{1,3}\])+)")
_WORD = re.compile(r"\w+")
_JOIN = re.compile(r"<(?=[A-Za-z/!?])|!(?=\[)")
_DROP = object()


@dataclass
class Removed:
    images: int = 0
    links: int = 0
    html: int = 0
    markers: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def own_url_check(public_url: str | None) -> Callable[[str], bool]:
    """Links allowed in answers: relative paths and fragments, or under KB_PUBLIC_URL."""
    base = (public_url or "").rstrip("/")

    def own(target: str) -> bool:
        t = target.strip()
        if "\\" in t or any(ord(ch) < 32 for ch in t):
            return False
        if t.startswith("#") or (t.startswith("/") and not t.startswith("//")):
            return True
        return bool(base) and (t == base or t.startswith((base + "/", base + "?", base + "#")))

    return own


class EchoGuard:
    """Holds back words while they continue a stretch of the instructions; ``window`` words in
    a row from the instructions mean the model is echoing its prompt."""

    def __init__(self, instructions: str, window: int = 8) -> None:
        words = [w.lower() for w in _WORD.findall(instructions)]
        self.window = window
        self._seqs = {
            tuple(words[i : i + n]) for n in range(1, window + 1) for i in range(len(words) - n + 1)
        }
        self._held = ""

    def push(self, text: str) -> str:
        self._held += text
        spans = [(m.start(), m.group().lower()) for m in _WORD.finditer(self._held)]
        k = 0
        while k < min(self.window, len(spans)) and (
            tuple(w for _, w in spans[len(spans) - k - 1 :]) in self._seqs
        ):
            k += 1
        if k >= self.window:
            raise OutputRejected("the model reproduced its instructions")
        cut = spans[-k][0] if k else len(self._held)
        out, self._held = self._held[:cut], self._held[cut:]
        return out

    def flush(self) -> str:
        out, self._held = self._held, ""
        return out


class Sanitiser:
    """Feed the model's text in pieces; get back what may be shown, as early as possible."""

    def __init__(
        self,
        passages: int,
        own_url: Callable[[str], bool],
        echo: EchoGuard | None = None,
    ) -> None:
        self.passages = passages
        self._own = own_url
        self._echo = echo
        self._pending = ""
        self._shown: dict[int, int] = {}  # passage → shown number
        self.numbers: dict[int, int] = {}  # shown number → passage (1-based)
        self.removed = Removed()
        self.refused = False
        self.text = ""  # everything released so far
        self._tail = ""  # the last character that left the scanner

    def feed(self, piece: str) -> str:
        self._pending += piece
        return self._drain(final=False)

    def finish(self) -> str:
        out = self._drain(final=True)
        if self._echo is not None and not self.refused:
            tail = self._echo.flush()
            self.text += tail
            out += tail
        self._check(self.text)
        return out

    def _drain(self, final: bool) -> str:
        if self.refused:
            self._pending = ""
            return ""
        buf = self._pending
        if not final and not self.text and NO_ANSWER.startswith(buf.strip()):
            return ""  # the reply may still turn out to be the refusal token
        limit = len(buf) if final else self._hold_point(buf)
        out, used = self._scan_words(buf, limit, final)
        self._pending = buf[used:]
        out = self._defuse(_REORDER.sub(r"\2\1", out))
        if NO_ANSWER in out:
            self.refused = True
            self._pending = ""
            return ""
        if self._echo is not None:
            out = self._echo.push(out)
        self.text += out
        return out

    @staticmethod
    def _hold_point(buf: str) -> int:
        m = _LAST_WORD.search(buf)
        cut = m.start() if m else len(buf)
        if buf[cut:].strip()[:1] not in ("", "["):
            return cut  # a word follows: no more markers can join the sentence before it
        end = _SENTENCE_END.search(buf, 0, cut)
        return end.start() if end else cut

    def _scan_words(self, buf: str, limit: int, final: bool) -> tuple[str, int]:
        """``_scan``, but a stop inside a word moves back to the start of that word (and the
        whitespace before it): what is released never ends where a later piece could join it."""
        saved = (replace(self.removed), dict(self._shown), dict(self.numbers))
        while True:
            out, used = self._scan(buf, limit, final)
            if used >= limit or used == 0 or buf[used].isspace() or buf[used - 1].isspace():
                return out, used
            j = used
            while j > 0 and not buf[j - 1].isspace():
                j -= 1
            while j > 0 and buf[j - 1].isspace():
                j -= 1
            self.removed, self._shown, self.numbers = (
                replace(saved[0]),
                dict(saved[1]),
                dict(saved[2]),
            )
            limit = j

    def _defuse(self, out: str) -> str:
        """Removing things can bring characters together: "<" + "b>", "!" + "[", "htt" + "ps:".
        Clean again until nothing changes, also across the seam to the text released before."""
        while True:
            cleaned = _URL.sub(lambda m: m.group(0) if self._own(m.group(0)) else "", out)
            cleaned = _JOIN.sub("", cleaned)
            if cleaned == out:
                break
            out = cleaned
        joined = self._tail + out
        cut = len(self._tail)
        if any(m.start() < cut < m.end() for m in _URL.finditer(joined)) or any(
            m.start() == cut - 1 for m in _JOIN.finditer(joined)
        ):
            out = " " + out  # the seam would complete something: keep the two apart
        self._tail = (self._tail + out)[-12:]
        return out

    def _scan(self, buf: str, limit: int, final: bool) -> tuple[str, int]:
        """Clean ``buf`` from the left up to ``limit`` (a construct starting before it may
        look further); stop before a construct that is not complete yet."""
        out: list[str] = []
        i = 0
        while i < limit:
            c = buf[i]
            step: tuple[object, int] | None
            if c == "<":
                step = self._tag(buf, i, final)
            elif c == "!" and buf.startswith("[", i + 1):
                step = self._bracket(buf, i + 1, final, image=True)
            elif c == "[":
                step = self._bracket(buf, i, final, image=False)
            elif (m := _URL.match(buf, i, limit)) and c != "!":
                step = self._url(i, m.group(0), limit, final)
            else:
                nxt = _SPECIAL.search(buf, i + 1, limit)
                j = nxt.start() if nxt else limit
                step = (buf[i:j], j)
            if step is None:
                # keep the whitespace before an open construct with it: a marker pointing
                # nowhere takes the space before it along when it goes
                if out and out[-1] != out[-1].rstrip(" \t"):
                    kept = out[-1].rstrip(" \t")
                    i -= len(out[-1]) - len(kept)
                    out[-1] = kept
                break
            text, i = step
            if text is _DROP:
                if out:
                    out[-1] = out[-1].rstrip(" \t")
            elif text:
                out.append(str(text))
        return "".join(out), i

    def _tag(self, buf: str, i: int, final: bool) -> tuple[object, int] | None:
        m = _TAG.match(buf, i)
        if m:
            self.removed.html += 1
            return "", m.end()
        if _TAG_START.match(buf, i):
            if not final and len(buf) - i < 2000:
                return None
            self.removed.html += 1
            return "", i + 1  # a "<" that never closed: without it nothing can become a tag
        if i + 1 == len(buf) and not final:
            return None
        return "<", i + 1

    def _bracket(self, buf: str, i: int, final: bool, image: bool) -> tuple[object, int] | None:
        m = _BRACKET.match(buf, i)
        if m is None:
            if not final and _BRACKET_OPEN.fullmatch(buf, i):
                return None
            return "[", i + 1  # an image's "!" is dropped with it
        inner, k = m.group(1), m.end()
        if k == len(buf) and not final:
            return None  # "(", "[" or ":" may follow
        nxt = buf[k : k + 1]
        if nxt == "(":
            t = _TARGET.match(buf, k)
            if t is None and not final and _TARGET_OPEN.fullmatch(buf, k):
                return None
            if t is not None:
                return self._link(inner, t.group(1), image), t.end()
        elif nxt == "[":
            r = _BRACKET.match(buf, k)
            if r is None and not final and _BRACKET_OPEN.fullmatch(buf, k):
                return None
            if r is not None:  # a reference link: its text only
                return self._link(inner, "", image), r.end()
        elif nxt == ":":  # a reference definition: the whole line goes
            e = buf.find("\n", k)
            if e < 0 and not final:
                return None
            self.removed.links += 1
            return "", len(buf) if e < 0 else e
        if image:
            self.removed.images += 1
            return "", k
        cleaned = self._inline(inner)
        if _MARKERS.fullmatch(cleaned):
            return self._markers(cleaned), k
        return "[" + cleaned + "]", k

    def _link(self, label: str, target: str, image: bool) -> str:
        if image:
            self.removed.images += 1
            return ""
        text = self._inline(label)
        if target and self._own(target):
            return f"[{text}]({target})"
        self.removed.links += 1
        return text

    def _markers(self, inner: str) -> object:
        out = ""
        for number in re.findall(r"\d+", inner):
            p = int(number)
            if not 1 <= p <= self.passages:
                self.removed.markers += 1
                continue
            shown = self._shown.setdefault(p, len(self._shown) + 1)
            self.numbers[shown] = p
            out += f"[{shown}]"
        return out or _DROP

    def _url(self, i: int, url: str, limit: int, final: bool) -> tuple[object, int] | None:
        if i + len(url) == limit and not final:
            return None
        url = url.rstrip(".,;:!?")
        if self._own(url):
            return url, i + len(url)
        self.removed.links += 1
        return LINK_REMOVED, i + len(url)

    def _inline(self, text: str) -> str:
        """A link label: no tags, no outside URLs (it has no brackets by construction)."""
        text = _TAG.sub("", text).replace("<", "")
        return _URL.sub(lambda m: m.group(0) if self._own(m.group(0)) else LINK_REMOVED, text)

    def _check(self, text: str) -> None:
        """The released text once more as a whole: a flaw here is a bug, never shown."""
        if "![" in text or _TAG_START.search(text):
            raise OutputRejected("sanitised output still holds an image or a tag")
        if any(not self._own(u) for u in _URL.findall(text)):
            raise OutputRejected("sanitised output still holds an outside URL")
        if any(int(n) not in self.numbers for n in re.findall(r"\[(\d+)\]", text)):
            raise OutputRejected("sanitised output holds a marker pointing nowhere")


def sanitise_text(text: str, own_url: Callable[[str], bool]) -> str:
    """A whole text at once (no passages: every [n] marker goes)."""
    s = Sanitiser(0, own_url)
    return (s.feed(text) + s.finish()).strip()
