"""Wiring of generative mode from the settings (the one place that builds the LLM parts)."""

from collections.abc import Callable

from kb.answer.generative import GenerativeAnswerer
from kb.llm.client import OpenAIBackend
from kb.llm.prompts import load_prompt
from kb.llm.resilience import CircuitBreaker, Policy, ResilientLLM
from kb.llm.rewrite import FollowUpRewriter
from kb.llm.sanitize import own_url_check
from kb.settings import Settings


def make_generation(
    settings: Settings, subject: Callable[[], str] | None = None
) -> tuple[GenerativeAnswerer, FollowUpRewriter | None]:
    """The generative answerer (and follow-up rewriter) for KB_ANSWER_MODE=generative.

    ``subject`` names what the documents are about (site settings), read per answer."""
    backend = OpenAIBackend(
        settings.llm_base_url or "",
        settings.llm_model or "",
        settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
    )
    policy = Policy(
        deadline_s=settings.llm_timeout_s,
        connect_s=settings.llm_connect_timeout_s,
        read_s=settings.llm_read_timeout_s,
        max_tokens=settings.llm_max_tokens,
        retries=settings.llm_retries,
        backoff_s=settings.llm_backoff_s,
        queue_timeout_s=settings.llm_queue_timeout_s,
    )
    breaker = CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown_s)
    llm = ResilientLLM(backend, policy, breaker, settings.llm_max_concurrency)
    own = own_url_check(settings.public_url)
    answerer = GenerativeAnswerer(
        llm,
        load_prompt(settings.llm_answer_prompt),
        own,
        passages=settings.llm_passages,
        max_chars=settings.llm_max_answer_chars,
        system_role=settings.llm_system_role,
        subject=subject,
    )
    rewriter = None
    if settings.llm_rewrite_prompt:
        rewriter = FollowUpRewriter(
            llm,
            load_prompt(settings.llm_rewrite_prompt),
            own,
            settings.max_question_chars,
            settings.llm_rewrite_timeout_s,
            settings.llm_system_role,
        )
    return answerer, rewriter
