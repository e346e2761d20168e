"""The curated Q&A set stays true: every quote is on its page as our ingest cleans it."""

import pytest

from eval.dataset import DEFAULT_QA, load_items
from kb.knowledge_base import KnowledgeBase
from kb.models import document_id
from kb.text.normalize import quote_in_text

ITEMS = load_items(DEFAULT_QA)


def test_the_set_is_large_and_varied() -> None:
    types = {i.type for i in ITEMS}
    assert len(ITEMS) >= 60
    assert {"unanswerable", "english", "multi_doc", "procedure", "acronym", "offer_city"} <= types
    assert sum(not i.answerable for i in ITEMS) >= 6
    assert sum(i.lang == "en" for i in ITEMS) >= 5
    files = {s.file for i in ITEMS for s in i.sources}
    assert len(files) == 5, files


def test_items_are_consistent() -> None:
    for item in ITEMS:
        assert item.lang in ("de", "en"), item.id
        assert item.answerable == bool(item.must_include), item.id  # unanswerable: both empty
        if item.type == "multi_doc":
            assert len(item.documents) >= 2, item.id
        for source in item.sources:
            assert 5 <= len(source.quote.split()) <= 60, (item.id, source.quote)
            assert (source.page is None) != source.file.endswith(".pdf"), item.id


@pytest.mark.slow
@pytest.mark.parametrize("item", [i for i in ITEMS if i.answerable], ids=lambda i: i.id)
def test_every_quote_is_on_its_page(corpus_kb: KnowledgeBase, item) -> None:  # type: ignore[no-untyped-def]
    pages = []
    for source in item.sources:
        page = corpus_kb.page(document_id(source.file), source.page)
        assert quote_in_text(source.quote, page.text), (source.file, source.page, source.quote)
        pages.append(page.text.lower())
    # every essential fact is really there: in a cited page
    for group in item.must_include:
        assert any(alt.lower() in text for alt in group for text in pages), (item.id, group)
