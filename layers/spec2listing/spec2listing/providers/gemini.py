"""Gemini through google-genai: one structured-output call, its faults as domain errors, its usage.

The copywriter and the vision checker share this adapter. Every SDK error is
caught here once and re-raised as the domain error the state machine names.
"""

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from spec2listing.costs import PriceTable
from spec2listing.errors import (
    ContentBlocked,
    ProviderOutputInvalid,
    ProviderRequestRejected,
    ProviderThrottled,
    ProviderUnavailable,
)
from spec2listing.models.records import Usage
from spec2listing.providers.keys import ApiKey
from spec2listing.providers.retry import Deadline, RetryPolicy, retry_after_seconds, run_with_retries

logger = logging.getLogger(__name__)
Parsed = TypeVar("Parsed")

PROVIDER = "gemini"
# How much of an invalid response the repair request echoes back to the model, in characters.
REPAIR_ECHO_CHARS = 20_000
# Finish reasons (google-genai FinishReason) that mean the model refused the content: a person decides.
BLOCKED_FINISH_REASONS = frozenset(
    {"SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT"}
)
# Finish reasons after which the text may be cut short or malformed: worth one repair attempt.
REPAIRABLE_FINISH_REASONS = frozenset({"MAX_TOKENS", "MALFORMED_FUNCTION_CALL", "OTHER", "FINISH_REASON_UNSPECIFIED"})
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
AUTH_STATUS = frozenset({401, 403})
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)s$")


@dataclass
class GeminiAnswer:
    """The text of one successful call, and what it cost."""

    text: str
    finish_reason: str
    usage: Usage


class GeminiModel:
    """One Gemini model called with a system instruction and a JSON response schema."""

    def __init__(
        self,
        *,
        key: ApiKey,
        model: str,
        step: str,
        base_url: str | None,
        policy: RetryPolicy,
        prices: PriceTable,
    ) -> None:
        self.key = key
        self.model = model
        self.step = step
        self.policy = policy
        self._base_url = base_url
        self._prices = prices
        self._client: genai.Client | None = None
        self._client_lock = threading.Lock()

    def _sdk(self) -> genai.Client:
        # Locked because threads share one model: a second client built in a race would be dropped,
        # and a dropped genai.Client closes the HTTP connection pool under any request still using it.
        with self._client_lock:
            if self._client is None:
                # retry_options left unset: the SDK makes one attempt and run_with_retries owns the retries.
                options = types.HttpOptions(base_url=self._base_url) if self._base_url else None
                self._client = genai.Client(api_key=self.key.get(), http_options=options)
            return self._client

    def generate(
        self,
        *,
        contents: list[types.Content],
        system_instruction: str,
        schema: dict[str, Any],
        max_output_tokens: int,
        deadline: Deadline,
    ) -> GeminiAnswer:
        """Make one call (with retries of throttling and transient faults) and check how it finished.

        Raises ContentBlocked for a refusal, ProviderOutputInvalid for cut-short
        or empty text; the caller decides whether to repair.
        """

        def attempt(timeout_seconds: float) -> types.GenerateContentResponse:
            config = types.GenerateContentConfig(
                system_instruction=system_instruction,
                response_mime_type="application/json",
                response_json_schema=schema,
                max_output_tokens=max_output_tokens,
                http_options=types.HttpOptions(timeout=max(1, round(timeout_seconds * 1000))),
            )
            try:
                return self._sdk().models.generate_content(model=self.model, contents=contents, config=config)
            except genai_errors.APIError as error:
                raise self._domain_error(error) from error
            except httpx2.TimeoutException as error:
                raise ProviderUnavailable(f"Gemini {self.model} timed out after {timeout_seconds:.0f} s") from error
            except httpx2.TransportError as error:
                raise ProviderUnavailable(f"cannot reach Gemini: {type(error).__name__}: {error}") from error

        response = run_with_retries(attempt, deadline=deadline, what=f"gemini {self.step}")
        return self._answer(response)

    def _answer(self, response: types.GenerateContentResponse) -> GeminiAnswer:
        usage = self._usage(response)
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            reason = _enum_name(feedback.block_reason)
            raise ContentBlocked(
                f"Gemini blocked the {self.step} request: {reason} {feedback.block_reason_message or ''}"
            )
        if not response.candidates:
            raise ProviderOutputInvalid(f"Gemini returned no candidate for the {self.step} request")
        candidate = response.candidates[0]
        finish = _enum_name(candidate.finish_reason) if candidate.finish_reason is not None else "STOP"
        if finish in BLOCKED_FINISH_REASONS:
            raise ContentBlocked(f"Gemini stopped the {self.step} response: finish reason {finish}")
        parts = candidate.content.parts if candidate.content and candidate.content.parts else []
        text = "".join(part.text for part in parts if part.text and not part.thought)
        if finish in REPAIRABLE_FINISH_REASONS or not text.strip():
            raise IncompleteAnswer(
                f"Gemini's {self.step} response is unusable: finish reason {finish}, {len(text)} characters of text",
                text=text,
                finish_reason=finish,
                usage=usage,
            )
        return GeminiAnswer(text=text, finish_reason=finish, usage=usage)

    def _usage(self, response: types.GenerateContentResponse) -> Usage:
        metadata = response.usage_metadata
        input_tokens = (metadata.prompt_token_count or 0) if metadata else 0
        output_tokens = (metadata.candidates_token_count or 0) if metadata else 0
        thinking_tokens = (metadata.thoughts_token_count or 0) if metadata else 0
        cost = self._prices.text_cost(
            self.model, input_tokens=input_tokens, output_tokens=output_tokens, thinking_tokens=thinking_tokens
        )
        return Usage(
            step=self.step,
            provider=PROVIDER,
            model=self.model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            thinking_tokens=thinking_tokens,
            cost_usd=cost,
        )

    def _domain_error(self, error: genai_errors.APIError) -> Exception:
        status = error.code
        message = f"Gemini {self.model} returned HTTP {status} {error.status or ''}: {error.message or ''}".strip()
        if status == 429:
            return ProviderThrottled(message, retry_after_seconds=_retry_after(error))
        if status in RETRYABLE_STATUS or status >= 500:
            return ProviderUnavailable(message)
        if status in AUTH_STATUS or _is_invalid_key(error):
            return self.key.rejected(status)
        return ProviderRequestRejected(message)


class IncompleteAnswer(ProviderOutputInvalid):
    """Text cut short or empty; carries what came back so a repair attempt can build on it."""

    def __init__(self, message: str, *, text: str, finish_reason: str, usage: Usage) -> None:
        super().__init__(message)
        self.text = text
        self.finish_reason = finish_reason
        self.usage = usage


def _enum_name(value: object) -> str:
    return str(getattr(value, "value", value))


def _is_invalid_key(error: genai_errors.APIError) -> bool:
    """Gemini returns 400 INVALID_ARGUMENT with an ErrorInfo of reason API_KEY_INVALID for a wrong key."""
    return any(detail.get("reason") == "API_KEY_INVALID" for detail in _details(error))


def _details(error: genai_errors.APIError) -> list[dict[str, Any]]:
    body = error.details if isinstance(error.details, dict) else {}
    details = body.get("error", body).get("details", [])
    return [detail for detail in details if isinstance(detail, dict)] if isinstance(details, list) else []


def _retry_after(error: genai_errors.APIError) -> float | None:
    """Seconds to wait from the Retry-After header, else from the google.rpc.RetryInfo detail."""
    response = getattr(error, "response", None)
    seconds = retry_after_seconds(getattr(response, "headers", None))
    if seconds is not None:
        return seconds
    for detail in _details(error):
        if str(detail.get("@type", "")).endswith("google.rpc.RetryInfo"):
            match = _DURATION.match(str(detail.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def parse_json_object(text: str) -> Any:
    """Decode a JSON response text, raising ProviderOutputInvalid with the decoder's message."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ProviderOutputInvalid(f"the answer is not valid JSON: {error}") from error


def generate_validated(
    gemini: GeminiModel,
    *,
    contents: list[types.Content],
    system_instruction: str,
    schema: dict[str, Any],
    max_output_tokens: int,
    validate: Callable[[str], Parsed],
) -> tuple[Parsed, list[Usage]]:
    """Call Gemini and validate the answer; on cut-short, empty or invalid output, repair once.

    The repair attempt shows the model its own answer and what was wrong with
    it, with twice the output-token limit when the first answer hit it. A
    second invalid answer raises ProviderOutputInvalid with both complaints.
    Usage is recorded for every call that returned.
    """
    deadline = Deadline(gemini.policy)
    usage: list[Usage] = []
    first_text = ""
    try:
        answer = gemini.generate(
            contents=contents,
            system_instruction=system_instruction,
            schema=schema,
            max_output_tokens=max_output_tokens,
            deadline=deadline,
        )
        usage.append(answer.usage)
        first_text = answer.text
        return validate(first_text), usage
    except IncompleteAnswer as error:
        usage.append(error.usage)
        first_problem, first_text = str(error), error.text
        if error.finish_reason == "MAX_TOKENS":
            max_output_tokens *= 2
    except ProviderOutputInvalid as error:
        first_problem = str(error)

    logger.warning("gemini answer invalid, repairing once", extra={"step": gemini.step, "problem": first_problem})
    repair = [
        *contents,
        types.Content(role="model", parts=[types.Part.from_text(text=first_text[:REPAIR_ECHO_CHARS] or "(empty)")]),
        types.Content(role="user", parts=[types.Part.from_text(text=repair_request(first_problem))]),
    ]
    try:
        answer = gemini.generate(
            contents=repair,
            system_instruction=system_instruction,
            schema=schema,
            max_output_tokens=max_output_tokens,
            deadline=deadline,
        )
        usage.append(answer.usage)
        return validate(answer.text), usage
    except IncompleteAnswer as error:
        second_problem = str(error)
    except ProviderOutputInvalid as error:
        second_problem = str(error)
    raise ProviderOutputInvalid(
        f"Gemini's {gemini.step} response was invalid twice, after one repair attempt: "
        f"first {first_problem}; then {second_problem}"
    )


def repair_request(problem: str) -> str:
    return (
        f"Your previous answer cannot be used: {problem}. "
        "Answer again with one complete JSON object that matches the response schema, and nothing else."
    )
