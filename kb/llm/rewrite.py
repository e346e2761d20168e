"""Follow-ups rewritten by the language model into standalone questions for the search.

The conversation is untrusted data in a delimited block. The model's line is cleaned like any
model output and must look like a question of sensible length; otherwise (or when the endpoint
fails) the caller uses the rule-based resolution in kb.conversation.
"""

import logging
from collections.abc import Callable

from kb.conversation import Turn
from kb.errors import BackendError
from kb.llm.prompts import PromptTemplate, boundary, fence
from kb.llm.resilience import ResilientLLM
from kb.llm.sanitize import NO_ANSWER, sanitise_text

log = logging.getLogger("kb.llm")

MAX_TURNS = 6  # the last few turns carry what a follow-up refers to
MAX_TURN_CHARS = 600


class FollowUpRewriter:
    def __init__(
        self,
        llm: ResilientLLM,
        prompt: PromptTemplate,
        own_url: Callable[[str], bool],
        max_chars: int,
        timeout_s: float,
        system_role: bool = True,
    ) -> None:
        self.llm = llm
        self.system_role = system_role
        self.prompt = prompt
        self.own_url = own_url
        self.max_chars = max_chars
        self.timeout_s = timeout_s

    def rewrite(self, question: str, history: list[Turn]) -> str | None:
        """The standalone question, or None (no usable rewrite: use the rules)."""
        turns = [t for t in history if t.content.strip()][-MAX_TURNS:]
        if not any(t.role == "user" for t in turns):
            return None
        lines = [
            f"{'Nutzer' if t.role == 'user' else 'Assistent'}: "
            f"{fence(' '.join(t.content.split())[:MAX_TURN_CHARS])}"
            for t in turns
        ]
        messages = self.prompt.messages(
            self.system_role,
            boundary=boundary(),
            history="\n".join(lines),
            question=fence(question),
        )
        try:
            reply = self.llm.complete(messages, deadline_s=self.timeout_s)
        except BackendError as e:
            log.warning("follow-up rewriting failed, resolving by rules: %s", e)
            return None
        return self._clean(reply)

    def _clean(self, reply: str) -> str | None:
        lines = [ln for ln in reply.strip().splitlines() if ln.strip()]
        if not lines:
            return None
        line = sanitise_text(lines[0], self.own_url).strip(" \"'„“”»«")
        line = " ".join(line.split())
        if not line or NO_ANSWER in line or len(line) > self.max_chars or "<<<" in line:
            log.warning("follow-up rewrite unusable, resolving by rules: %r", reply[:200])
            return None
        return line
