#!/usr/bin/env python3
"""Validate the curated evaluation set eval/qa.jsonl against the sample corpus.

Standalone (pypdf, python-docx, selectolax; no project imports).

Checks
  * schema of every line (exact keys, types, lang, type vocabulary, unique ids)
  * unanswerable <=> empty sources and empty must_include
  * every quote exists in its file/page after normalisation
    (Unicode NFC, whitespace runs -> one space, case-sensitive), and for PDFs and
    Markdown also after re-joining words hyphenated across line breaks, so a quote
    may not span such a break; PDF quotes may not contain the running header or
    the "Seite N" footer; Markdown quotes may not contain markup; DOCX quotes must
    lie inside one paragraph; HTML quotes must lie in the visible text of <main>
  * quote length 8-40 words
  * every must_include group has >= 1 alternative that appears (case-insensitive,
    whitespace-normalised) in the concatenated quotes of the item or in the page
    text of its sources
Prints failures plus a summary by type / language / document / page range.
Exit code 1 if anything failed.

Usage: python eval/check_qa.py [--qa eval/qa.jsonl] [--corpus /work/shared/corpus] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

KEYS = {"id", "question", "lang", "type", "answer", "must_include", "sources"}
SOURCE_KEYS = {"file", "page", "quote"}
TYPES = {
    "fact",
    "paraphrase",
    "colloquial",
    "simple_german",
    "english",
    "multi_doc",
    "offer_city",
    "procedure",
    "acronym",
    "list",
    "unanswerable",
}
LANGS = {"de", "en"}
MIN_WORDS, MAX_WORDS = 8, 40

_WS = re.compile(r"\s+")
# word hyphenated across a line break: "Ertei-\nlung" -> "Erteilung"
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n\s*([a-zäöüß])")
_FOOTER = re.compile(r"\bSeite \d+\b")


def norm(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def dehyphenate(text: str) -> str:
    return _HYPHEN_BREAK.sub(r"\1\2", unicodedata.normalize("NFC", text))


class Corpus:
    """Lazy loader for the five corpus formats."""

    def __init__(self, root: Path):
        self.root = root
        self._pdf: dict[str, list[str]] = {}
        self._text: dict[str, str] = {}
        self._paras: dict[str, list[str]] = {}

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def kind(self, name: str) -> str:
        return Path(name).suffix.lower().lstrip(".")

    def pdf_pages(self, name: str) -> list[str]:
        if name not in self._pdf:
            from pypdf import PdfReader

            reader = PdfReader(str(self.root / name))
            self._pdf[name] = [p.extract_text() or "" for p in reader.pages]
        return self._pdf[name]

    def md_text(self, name: str) -> str:
        if name not in self._text:
            self._text[name] = (self.root / name).read_text(encoding="utf-8")
        return self._text[name]

    def html_text(self, name: str) -> str:
        if name not in self._text:
            from selectolax.lexbor import LexborHTMLParser

            tree = LexborHTMLParser((self.root / name).read_text(encoding="utf-8"))
            main = tree.css_first("main") or tree.body
            self._text[name] = main.text(deep=True, separator=" ") if main else ""
        return self._text[name]

    def docx_paras(self, name: str) -> list[str]:
        if name not in self._paras:
            import docx

            d = docx.Document(str(self.root / name))
            self._paras[name] = [p.text for p in d.paragraphs]
        return self._paras[name]

    def page_text(self, name: str, page) -> str:
        """Full text of the source unit (PDF page or whole document)."""
        k = self.kind(name)
        if k == "pdf":
            return self.pdf_pages(name)[page - 1]
        if k == "md":
            return self.md_text(name)
        if k in ("html", "htm"):
            return self.html_text(name)
        if k == "docx":
            return "\n".join(self.docx_paras(name))
        raise ValueError(f"unsupported file type: {name}")

    def check_quote(self, name: str, page, quote: str) -> str | None:
        """Return an error message or None if the quote is fine."""
        q = norm(quote)
        k = self.kind(name)
        if k == "pdf":
            raw = self.pdf_pages(name)[page - 1]
            header = norm(raw.split("\n", 1)[0])
            if q not in norm(raw):
                return "quote not found on page"
            if q not in norm(dehyphenate(raw)):
                return "quote spans a word hyphenated across a line break"
            if header and header in q:
                return "quote spans the running header"
            if _FOOTER.search(q):
                return "quote spans the 'Seite N' footer"
            return None
        if k == "md":
            raw = self.md_text(name)
            if any(tok in quote for tok in ("**", "](", "](mailto", "#")):
                return "quote contains markdown syntax"
            if q not in norm(raw):
                return "quote not found in markdown text"
            if q not in norm(dehyphenate(raw)):
                return "quote spans a word hyphenated across a line break"
            return None
        if k in ("html", "htm"):
            if q not in norm(self.html_text(name)):
                return "quote not found in visible <main> text"
            return None
        if k == "docx":
            if not any(q in norm(p) for p in self.docx_paras(name)):
                if q in norm(" ".join(self.docx_paras(name))):
                    return "quote spans more than one DOCX paragraph"
                return "quote not found in any DOCX paragraph"
            return None
        return f"unsupported file type: {name}"


def page_bin(kind_pages: int, page: int) -> str:
    third = max(1, -(-kind_pages // 3))
    lo = ((page - 1) // third) * third + 1
    hi = min(kind_pages, lo + third - 1)
    return f"p{lo:02d}-{hi:02d}"


def main() -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qa", type=Path, default=here / "qa.jsonl")
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus"))
    ap.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also list must_include groups matched only via page text",
    )
    args = ap.parse_args()

    corpus = Corpus(args.corpus)
    failures: list[str] = []
    notes: list[str] = []
    items = []
    seen_ids: set[str] = set()

    lines = args.qa.read_text(encoding="utf-8").splitlines()
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            failures.append(f"line {lineno}: empty line")
            continue
        try:
            it = json.loads(line)
        except json.JSONDecodeError as e:
            failures.append(f"line {lineno}: invalid JSON ({e})")
            continue
        where = f"line {lineno} [{it.get('id', '?') if isinstance(it, dict) else '?'}]"
        if not isinstance(it, dict):
            failures.append(f"{where}: not a JSON object")
            continue
        errs: list[str] = []
        if set(it) != KEYS:
            errs.append(f"keys {sorted(it)} != {sorted(KEYS)}")
        for k in ("id", "question", "lang", "type", "answer"):
            if not isinstance(it.get(k), str) or not it.get(k, "").strip():
                errs.append(f"'{k}' must be a non-empty string")
        if it.get("id") in seen_ids:
            errs.append(f"duplicate id {it.get('id')!r}")
        seen_ids.add(it.get("id"))
        if it.get("lang") not in LANGS:
            errs.append(f"lang {it.get('lang')!r} not in {sorted(LANGS)}")
        if it.get("type") not in TYPES:
            errs.append(f"type {it.get('type')!r} not in {sorted(TYPES)}")

        mi = it.get("must_include")
        if not (
            isinstance(mi, list)
            and all(
                isinstance(g, list) and g and all(isinstance(a, str) and a.strip() for a in g)
                for g in mi
            )
        ):
            errs.append("must_include must be a list of non-empty lists of non-empty strings")
            mi = []
        srcs = it.get("sources")
        if not isinstance(srcs, list):
            errs.append("sources must be a list")
            srcs = []

        unanswerable = it.get("type") == "unanswerable"
        if unanswerable and (srcs or mi):
            errs.append("unanswerable item must have empty sources and must_include")
        if not unanswerable and (not srcs or not mi):
            errs.append("answerable item needs >= 1 source and >= 1 must_include group")
        if it.get("type") == "multi_doc":
            files = {s.get("file") for s in srcs if isinstance(s, dict)}
            if len(files) < 2:
                errs.append("multi_doc item needs sources from >= 2 documents")

        quotes: list[str] = []
        page_texts: list[str] = []
        good_sources = []
        for si, s in enumerate(srcs):
            sw = f"source {si}"
            if not isinstance(s, dict) or set(s) != SOURCE_KEYS:
                errs.append(f"{sw}: keys must be exactly {sorted(SOURCE_KEYS)}")
                continue
            f, page, quote = s["file"], s["page"], s["quote"]
            if not isinstance(f, str) or "/" in f or not corpus.exists(f):
                errs.append(f"{sw}: unknown file {f!r} (base name in corpus expected)")
                continue
            if not isinstance(quote, str) or not quote.strip():
                errs.append(f"{sw}: quote must be a non-empty string")
                continue
            kind = corpus.kind(f)
            if kind == "pdf":
                n = len(corpus.pdf_pages(f))
                if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= n:
                    errs.append(f"{sw}: page must be an int in 1..{n} for PDF, got {page!r}")
                    continue
            elif page is not None:
                errs.append(f"{sw}: page must be null for .{kind}, got {page!r}")
                continue
            nwords = len(norm(quote).split(" "))
            if not MIN_WORDS <= nwords <= MAX_WORDS:
                errs.append(f"{sw}: quote has {nwords} words (allowed {MIN_WORDS}-{MAX_WORDS})")
            msg = corpus.check_quote(f, page, quote)
            if msg:
                errs.append(f"{sw} ({f} p.{page}): {msg}: {quote[:90]!r}")
                continue
            quotes.append(quote)
            page_texts.append(corpus.page_text(f, page))
            good_sources.append((f, page))

        if srcs and mi and len(good_sources) == len(srcs):
            qtext = norm(" ".join(quotes)).lower()
            ptext = norm(" ".join(page_texts)).lower()
            for gi, group in enumerate(mi):
                alts = [norm(a).lower() for a in group]
                if any(a in qtext for a in alts):
                    continue
                if any(a in ptext for a in alts):
                    notes.append(
                        f"{where}: must_include group {gi} {group} matched only in page text"
                    )
                    continue
                errs.append(f"must_include group {gi} {group} not found in quotes or source pages")

        for e in errs:
            failures.append(f"{where}: {e}")
        items.append((it, good_sources))

    # ---------------------------------------------------------------- summary
    by_type = Counter(it.get("type") for it, _ in items)
    by_lang = Counter(it.get("lang") for it, _ in items)
    by_doc = Counter()
    pages = defaultdict(list)
    for _it, srcs in items:
        for f in {f for f, _ in srcs}:
            by_doc[f] += 1
        for f, p in srcs:
            if p is not None:
                pages[f].append(p)

    print(f"items: {len(items)}  (file: {args.qa})")
    print("by type:  " + ", ".join(f"{k}={v}" for k, v in sorted(by_type.items())))
    print("by lang:  " + ", ".join(f"{k}={v}" for k, v in sorted(by_lang.items())))
    print("by document (items citing it; multi_doc items count for each file):")
    for f, v in sorted(by_doc.items(), key=lambda x: -x[1]):
        print(f"  {v:3d}  {f}")
    single = Counter()
    for _it, srcs in items:
        fs = {f for f, _ in srcs}
        single[
            "(unanswerable)" if not fs else (next(iter(fs)) if len(fs) == 1 else "(multi-document)")
        ] += 1
    print("by primary document (each item once):")
    for f, v in sorted(single.items(), key=lambda x: -x[1]):
        print(f"  {v:3d}  {f}")
    for f, ps in sorted(pages.items()):
        n = len(corpus.pdf_pages(f))
        bins = Counter(page_bin(n, p) for p in ps)
        print(
            f"page spread {f} ({n} pages): "
            + ", ".join(f"{b}: {c}" for b, c in sorted(bins.items()))
        )
        print(f"  pages cited: {sorted(set(ps))}")
    if args.verbose and notes:
        print(f"\nnotes ({len(notes)}): must_include satisfied only via page text")
        for n_ in notes:
            print("  " + n_)

    if failures:
        print(f"\nFAILURES ({len(failures)}):")
        for fl in failures:
            print("  " + fl)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
