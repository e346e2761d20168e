"""fact_in_top5: whether retrieval handed the answer step a passage text holding every fact."""

from eval.dataset import QAItem, Source
from eval.metrics import Judgement, Passage, summarize


def _item(must: list[list[str]], answerable: bool = True) -> QAItem:
    sources = [Source("a.pdf", 3, "Die Stelle hat acht Mitarbeitende.")] if answerable else []
    return QAItem("q1", "Wie viele?", "de", "fact", "acht", must, sources)


def _passages(*texts: str) -> list[Passage]:
    return [Passage("a.pdf", 3, t) for t in texts]


def test_all_groups_found_across_the_top_five_passages() -> None:
    item = _item([["acht", "8"], ["Mitarbeitende"]])
    j = Judgement(item, _passages("Die Stelle hat 8 Leute.", "Mitarbeitende sind wichtig."))
    assert j.fact_in_top5


def test_a_group_missing_or_only_below_rank_five_fails() -> None:
    item = _item([["acht"], ["Mitarbeitende"]])
    filler = ["Nichts dazu."] * 5
    assert not Judgement(item, _passages("Die Stelle hat acht Leute.", *filler)).fact_in_top5
    below = Judgement(item, _passages("acht", *filler, "Mitarbeitende"))
    assert not below.fact_in_top5


def test_facts_match_whole_words_like_must_include() -> None:
    item = _item([["acht"]])
    assert not Judgement(item, _passages("Das wird beachtet.")).fact_in_top5


def test_summary_rates_answerable_items_only() -> None:
    hit = Judgement(_item([["acht"]]), _passages("Es sind acht."))
    miss = Judgement(_item([["neun"]]), _passages("Es sind acht."))
    near_miss = Judgement(_item([["zehn"]], answerable=False), _passages("Es sind acht."))
    assert summarize([hit, miss, near_miss])["fact_in_top5"] == 0.5
