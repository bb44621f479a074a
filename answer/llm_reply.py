"""LLM mode: the extractive answer's clauses, numbered, go to the model; its reply is streamed as far as
it verifies against them (answer/grounding.py), else the extractive answer stands."""
from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

from carbonqa.answer.grounding import Clause, build_messages, complete_part, numbered_clauses, verify
from carbonqa.answer.llm import LLMClient, LLMError
from carbonqa.answer.models import Answer
from carbonqa.answer.policy import AnswerPolicy
from carbonqa.answer.text import sentence_pieces
from carbonqa.retriever.models import SearchResult


@dataclass
class Draft:
    """The extractive answer and what it was built from (the LLM mode's starting point)."""

    answer: Answer
    result: SearchResult


class LLMReplier:
    def __init__(self, client: LLMClient, policy: AnswerPolicy):
        self.client = client
        self.policy = policy

    def stream(self, draft: Draft) -> Generator[dict, None, Answer]:
        """Delta events of the model's verified sentences as they complete; returns the Answer. If the
        reply fails (error, timeout) after some sentences were shown, those stand; if nothing verified
        was shown, the extractive answer replaces it."""
        messages, clauses = self._prompt(draft)
        reply, shown, failure = "", "", None
        try:
            for piece in self.client.stream(messages):
                reply += piece
                verified = verify(complete_part(reply), clauses, self.policy.llm_min_support).text
                if len(verified) > len(shown):
                    yield {"event": "delta", "data": {"text": verified[len(shown):]}}
                    shown = verified
        except LLMError as error:
            failure = str(error)
            reply = complete_part(reply)
        answer = self._checked(draft, reply, clauses, failure)
        # What was shown is a prefix of the answer: verification keeps the same sentences of a prefix.
        rest = answer.answer[len(shown):]
        for text in [rest] if shown else sentence_pieces(rest):
            if text:
                yield {"event": "delta", "data": {"text": text}}
        return answer

    def _prompt(self, draft: Draft) -> tuple[list[dict[str, str]], list[Clause]]:
        """The clauses the extractive answer cites first, then the other retrieved ones."""
        retrieved = {hit.chunk.id: hit.chunk for hit in draft.result.hits}
        ids = [c.chunk_id for c in draft.answer.citations] + list(retrieved)
        chunks = [retrieved[i] for i in dict.fromkeys(ids) if i in retrieved][:self.policy.llm_clauses]
        clauses = numbered_clauses(chunks, self.policy.llm_clause_chars)
        return build_messages(draft.answer.understood_as, clauses), clauses

    def _checked(self, draft: Draft, reply: str, clauses: list[Clause], failure: str | None = None) -> Answer:
        verified = verify(reply, clauses, self.policy.llm_min_support)
        if not verified.citations:
            reason = failure or (verified.removed[0] if verified.removed else "empty reply")
            return _fallback(draft, reason if failure else f"LLM reply failed verification ({reason})")
        answer = draft.answer.model_copy(deep=True)
        answer.answer = verified.text
        answer.citations = verified.citations
        answer.mode = "llm"
        notes = [f"reply cut short ({failure}); kept its verified sentences"] if failure else []
        if verified.removed:
            notes.append(f"removed {len(verified.removed)} unverified sentence(s): " + "; ".join(verified.removed))
        answer.mode_note = "; ".join(notes) or None
        return answer


def _fallback(draft: Draft, why: str) -> Answer:
    answer = draft.answer.model_copy(deep=True)
    answer.mode = "llm_fallback"
    answer.mode_note = f"{why}; showing the extractive answer"
    return answer
