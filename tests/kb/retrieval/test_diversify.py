"""The pure post-processing of fused hits: near-duplicate removal and per-document diversity."""

from kb.models import Chunk, Hit
from kb.retrieval.retriever import _diversify, _drop_near_duplicates, _with_spelling_out


def hit(doc_id: str, position: int, score: float, text: str | None = None) -> Hit:
    chunk = Chunk(
        id=f"{doc_id}-{position}",
        doc_id=doc_id,
        version="v1",
        position=position,
        page=None,
        section=None,
        text=text if text is not None else f"Abschnitt {position} aus {doc_id} über Duldung",
        start=0,
        end=0,
        file_name=f"{doc_id}.pdf",
        title=doc_id,
        kind="pdf",
    )
    return Hit(chunk=chunk, score=score)


def ids(hits: list[Hit]) -> list[str]:
    return [h.chunk.id for h in hits]


# --- _drop_near_duplicates -------------------------------------------------------------------

TEXT = (
    "Die Ausbildungsduldung wird bei der zuständigen Ausländerbehörde beantragt, "
    "wenn ein Ausbildungsvertrag vorliegt und die Identität geklärt ist."
)


def test_near_identical_chunks_collapse_to_the_first() -> None:
    hits = [
        hit("flyer-2023", 0, 0.9, TEXT),
        hit("flyer-2024", 0, 0.8, "  " + TEXT.upper().replace(" ", "\n") + " "),
        hit("flyer-2025", 0, 0.7, TEXT.replace("beantragt,", "beantragt:")),
    ]
    assert ids(_drop_near_duplicates(hits)) == ["flyer-2023-0"]


def test_different_chunks_stay_in_order() -> None:
    hits = [
        hit("a", 0, 0.9, TEXT),
        hit("b", 0, 0.8, "Sprachkurse bezahlt das Jobcenter, wenn ein Bescheid vorliegt."),
        hit("a", 1, 0.7, TEXT + " Danach gilt die Beschäftigungsduldung mit anderen Fristen."),
        hit("c", 0, 0.6, TEXT),
    ]
    assert ids(_drop_near_duplicates(hits)) == ["a-0", "b-0", "a-1"]


def test_chunks_without_words_are_not_duplicates_of_each_other() -> None:
    hits = [hit("a", 0, 0.9, "– · –"), hit("b", 0, 0.8, "– · –")]
    assert ids(_drop_near_duplicates(hits)) == ["a-0", "b-0"]


# --- _diversify ------------------------------------------------------------------------------


def test_a_crowding_document_gives_way_to_a_good_match_from_another() -> None:
    hits = [hit("a", 0, 1.0), hit("a", 1, 0.9), hit("a", 2, 0.8), hit("b", 0, 0.5)]
    top = _diversify(hits, k=3, max_per_document=2, good_match=0.5)
    assert ids(top) == ["a-0", "a-1", "b-0"]


def test_a_weak_match_from_another_document_does_not_displace() -> None:
    hits = [hit("a", 0, 1.0), hit("a", 1, 0.9), hit("a", 2, 0.8), hit("b", 0, 0.3)]
    top = _diversify(hits, k=3, max_per_document=2, good_match=0.5)
    assert ids(top) == ["a-0", "a-1", "a-2"]


def test_challenger_must_reach_good_match_times_the_weakest_crowded_hit() -> None:
    crowded = [hit("a", 0, 1.0), hit("a", 1, 0.75), hit("a", 2, 0.5)]
    just_enough = [*crowded, hit("b", 0, 0.25)]  # exactly 0.5 × 0.5
    too_weak = [*crowded, hit("b", 0, 0.24)]
    assert ids(_diversify(just_enough, 3, 2, good_match=0.5)) == ["a-0", "a-1", "b-0"]
    assert ids(_diversify(too_weak, 3, 2, good_match=0.5)) == ["a-0", "a-1", "a-2"]


def test_hits_of_a_document_already_at_its_limit_are_not_challengers() -> None:
    hits = [
        hit("a", 0, 1.0),
        hit("a", 1, 0.9),
        hit("a", 2, 0.8),
        hit("a", 3, 0.75),
        hit("b", 0, 0.5),
    ]
    assert ids(_diversify(hits, 3, 2)) == ["a-0", "a-1", "b-0"]


def test_several_crowded_slots_are_freed_weakest_first() -> None:
    hits = [
        hit("a", 0, 1.0),
        hit("a", 1, 0.9),
        hit("a", 2, 0.8),
        hit("a", 3, 0.7),
        hit("b", 0, 0.6),
        hit("c", 0, 0.5),
        hit("d", 0, 0.1),
    ]
    top = _diversify(hits, k=4, max_per_document=2, good_match=0.5)
    assert ids(top) == ["a-0", "a-1", "b-0", "c-0"]


def test_result_is_sorted_by_score_and_at_most_k() -> None:
    hits = [hit("a", i, 1.0 - i / 10) for i in range(6)] + [hit("b", 0, 0.45), hit("c", 0, 0.42)]
    top = _diversify(hits, k=4, max_per_document=1, good_match=0.5)
    assert len(top) <= 4
    scores = [h.score for h in top]
    assert scores == sorted(scores, reverse=True)
    assert {h.chunk.doc_id for h in top} == {"a", "b", "c"}


def test_documents_within_the_limit_keep_their_ranks() -> None:
    hits = [hit("a", 0, 1.0), hit("b", 0, 0.9), hit("a", 1, 0.8), hit("b", 1, 0.7)]
    assert ids(_diversify(hits, 4, 2)) == ids(hits)


def test_fewer_hits_than_k_are_all_returned() -> None:
    hits = [hit("a", 0, 1.0), hit("a", 1, 0.9)]
    assert ids(_diversify(hits, 10, 1)) == ["a-0", "a-1"]
    assert _diversify([], 10, 1) == []


# --- _with_spelling_out ----------------------------------------------------------------------


def test_a_passage_that_spells_out_the_asked_abbreviation_takes_the_last_place() -> None:
    top = [hit("a", 0, 0.9), hit("a", 1, 0.8)]
    glossary = hit("b", 0, 0.3, "KAUSA\tKoordinierungsstelle Ausbildung und Migration")
    fused = [*top, hit("a", 2, 0.5), glossary]
    found = _with_spelling_out(top, fused, [], ("KAUSA",), None)
    assert ids(found) == ["a-0", "b-0"]
    # from the corpus when retrieval did not rank it at all, unless the filter leaves it out
    assert ids(_with_spelling_out(top, top, [glossary.chunk], ("KAUSA",), None)) == ["a-0", "b-0"]
    assert _with_spelling_out(top, top, [glossary.chunk], ("KAUSA",), lambda c: False) == top


def test_a_top_that_already_spells_it_out_is_left_alone() -> None:
    top = [hit("a", 0, 0.9, "Die Kommunale Koordinierungsstelle (KoKo) steuert."), hit("a", 1, 0.8)]
    glossary = hit("b", 0, 0.3, "KoKo\tKommunale Koordinierungsstelle")
    assert _with_spelling_out(top, [*top, glossary], [], ("KoKo",), None) == top
