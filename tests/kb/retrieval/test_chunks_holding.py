"""The chunks that hold a word, from the index: where an abbreviation can be spelled out."""

import pytest

from kb.knowledge_base import KnowledgeBase
from kb.text.holds import spells_out

pytestmark = pytest.mark.slow


def test_the_chunks_holding_a_word_are_all_that_hold_it_in_corpus_order(
    corpus_kb: KnowledgeBase,
) -> None:
    catalog = corpus_kb.catalog()
    holding = catalog.chunks_holding("KAUSA")
    assert holding is not None
    assert [c.id for c in holding] == [c.id for c in catalog.chunks if c in holding]
    every = [c.id for c in catalog.chunks if spells_out("KAUSA", c.text)]
    assert every and every == [c.id for c in holding if spells_out("KAUSA", c.text)]
    assert catalog.chunks_holding("der") is None  # a stop word gives no term to look up
