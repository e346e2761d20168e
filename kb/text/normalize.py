"""Normalization used to compare quotes with page text."""

import re
import unicodedata

_WS = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def for_matching(text: str) -> str:
    """NFC + collapsed whitespace: how a quote is compared with the page it cites."""
    return collapse_ws(nfc(text))


def quote_in_text(quote: str, text: str) -> bool:
    q = for_matching(quote)
    return bool(q) and q in for_matching(text)
