"""`kb eval --answer-mode generative`: the deployment's LLM side by side with extractive answers,
here against the stand-in endpoint (tests/fake_llm.py) on a few curated questions."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_settings
from fake_llm import FakeLLM
from live_server import copy_data_dir, serve_app

from eval.dataset import DEFAULT_QA
from eval.harness import config_settings
from kb.errors import InvalidInput
from kb.knowledge_base import KnowledgeBase
from service.evaluating import run_eval

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    llm = FakeLLM()
    with serve_app(llm.app) as url:  # type: ignore[arg-type]
        yield url + "/v1"


def test_generative_and_extractive_side_by_side(
    corpus_kb: KnowledgeBase, corpus_dir: Path, tmp_path: Path, fake: str
) -> None:
    qa = tmp_path / "qa.jsonl"
    lines = DEFAULT_QA.read_text(encoding="utf-8").splitlines()
    qa.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    base = make_settings(tmp_path / "data", llm_base_url=fake, llm_model="fake")
    # the corpus as ingested already: the run finds it unchanged instead of ingesting again
    copy_data_dir(corpus_kb.settings.data_dir, config_settings(base, {}).data_dir)
    out = tmp_path / "reports"
    run_eval(base, "", qa, corpus_dir, out, curve=True, answer_mode="generative")
    report = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    configs = report["configurations"]
    assert list(configs) == ["hybrid", "generative"]
    assert report["refusal_curve"] is None and report["meta"]["llm"] == "fake"
    generative = configs["generative"]["summary"]
    for key in ("must_include", "citation_validity", "near_miss_declined", "latency_p50_ms"):
        assert key in generative
    assert generative["fallback_rate"] == 0.0  # the stand-in always cites
    assert generative["citation_validity"] == 1.0  # grounded quotes are verbatim
    assert "fallback_rate" not in configs["hybrid"]["summary"]
    answers = [i["answer"] for i in configs["generative"]["items"] if not i["refused"]]
    assert answers and all("[1]" in a for a in answers)


def test_generative_eval_needs_an_endpoint(tmp_path: Path, corpus_dir: Path) -> None:
    with pytest.raises(InvalidInput, match="KB_LLM_BASE_URL"):
        run_eval(
            make_settings(tmp_path / "data"), "", None, corpus_dir, tmp_path, True, "generative"
        )
