"""Which quotes go on over a page break, and how citations group into quotes
(kb/answer/overleaf.py); the answers themselves are tested on real PDFs in test_answer.py."""

from collections.abc import Callable

import pytest

from kb.answer.overleaf import (
    PageTurn,
    Part,
    _cut,
    _items_at_start,
    _sentence_end_at_start,
    begun_before,
    carried_over,
    quote_units,
)
from kb.models import Chunk, Citation


def chunk(page: int | None, doc: str = "bericht") -> Chunk:
    return Chunk(f"{doc}-{page}", doc, "v1", 0, page, None, "", 0, 0, f"{doc}.pdf", doc, "pdf")


def cite(n: int, page: int | None, start: int, doc: str = "bericht") -> Citation:
    return Citation(n, doc, f"{doc}.pdf", doc, page, "Text", None, start, start + 4)


@pytest.mark.parametrize(
    "line",
    ["zusätzliche Förderprogramme, mit denen Lücken im bestehenden", "- das Jugendamt,"],
)
def test_a_line_that_stops_inside_a_sentence_is_cut(line: str) -> None:
    assert _cut(line)


@pytest.mark.parametrize(
    "line",
    [
        "Quelle: Eigene Berechnungen",  # a caption ends in a noun
        "Institut Arbeit und Qualifikation",  # a name
        "Die Kurse beginnen im Mai.",
        "Dazu gehören:",  # a list intro goes on with items, not with a sentence
        "",
    ],
)
def test_a_caption_a_name_or_a_finished_sentence_is_not_cut(line: str) -> None:
    assert not _cut(line)


def test_the_sentence_a_page_begins_with_ends_on_its_first_line() -> None:
    assert _sentence_end_at_start("Angebot geschlossen werden sollten. Die Kurse …") == 35
    assert _sentence_end_at_start("2 Wie geht es weiter?\nText") is None  # a heading
    assert _sentence_end_at_start("Übersicht 2: Die Kurse im Überblick.\nText") is None  # caption
    assert _sentence_end_at_start("Angebot ohne Ende\nDie Kurse beginnen.") is None
    assert _sentence_end_at_start("x" * 400 + ".") is None  # too long to carry over
    page = "Zusammenarbeit (Was lief gut? Was nicht?) besprochen. Dann …"
    assert (
        page[: _sentence_end_at_start(page)]
        == "Zusammenarbeit (Was lief gut? Was nicht?) besprochen."
    )


def test_the_items_a_page_begins_with() -> None:
    page = "- das Jobcenter,\n- die Volkshochschule\nDie Gruppe trifft sich."
    assert page[: _items_at_start(page)] == "- das Jobcenter,\n- die Volkshochschule"
    assert _items_at_start("Die Gruppe trifft sich.\n- ein Punkt") is None


def test_only_a_later_page_can_be_begun_before() -> None:
    page = "zwölf Wochen lang dauern. Weiter."
    assert begun_before(Part(chunk(2), 0, 24, page))
    assert not begun_before(Part(chunk(1), 0, 24, page))  # the first page begins the document
    assert not begun_before(Part(chunk(None), 0, 24, page))  # unpaged documents have no break
    assert not begun_before(Part(chunk(2), 26, 32, page))  # not at the page start


def test_a_part_carried_over_belongs_to_the_quote_before_it() -> None:
    units = quote_units([cite(1, 3, 120), cite(2, 4, 0), cite(3, 4, 50), cite(4, 5, 0, "other")])
    assert [[c.n for c in u] for u in units] == [[1, 2], [3], [4]]


def _turn(pages: dict[int, str]) -> PageTurn:
    """The pages before and after a chunk's, from a dict of page texts."""

    def side(step: int) -> Callable[[Chunk], "tuple[Chunk, str] | None"]:
        def find(c: Chunk) -> "tuple[Chunk, str] | None":
            n = (c.page or 0) + step
            return (chunk(n), pages[n]) if n in pages else None

        return find

    return PageTurn(after=side(1), before=side(-1))


ENDS_IN_NOUN = (
    "Es gilt der Ausschluss von Personen, bei denen bereits aufenthaltsbeendende Maßnahmen"
)
GOES_ON = "eingeleitet wurden. Grundlage dafür sind Absprachen."


def test_a_sentence_cut_after_a_noun_goes_on_where_the_next_page_goes_on_in_lower_case() -> None:
    pages = {15: ENDS_IN_NOUN, 16: GOES_ON}
    _, after = carried_over(Part(chunk(15), 0, len(ENDS_IN_NOUN), ENDS_IN_NOUN), _turn(pages))
    assert after is not None and GOES_ON[: after.end] == "eingeleitet wurden."
    # ... and from the other side: the quote that opens page 16 brings its beginning
    before, _ = carried_over(Part(chunk(16), 0, 19, GOES_ON), _turn(pages))
    assert before is not None and ENDS_IN_NOUN[before.start :].startswith("Es gilt")


def test_a_line_ending_in_a_noun_before_a_capital_ends_there() -> None:
    """A sentence ending in a noun without its full stop goes on only where the next page goes
    on in lower case: a new sentence or heading after it begins with a capital."""
    pages = {15: ENDS_IN_NOUN, 16: "Die Kurse beginnen im Mai. Weiter."}
    _, after = carried_over(Part(chunk(15), 0, len(ENDS_IN_NOUN), ENDS_IN_NOUN), _turn(pages))
    assert after is None
    before, _ = carried_over(Part(chunk(16), 0, 26, pages[16]), _turn(pages))
    assert before is None
