"""Bounded retries of provider calls: exponential backoff with full jitter, Retry-After honoured.

The SDKs' own retries are switched off so both providers follow one policy.
Only `ProviderThrottled` and `ProviderUnavailable` are retried here; once the
attempts or the time budget run out the error propagates, and the state
machine's Retry blocks try the whole task again later.
"""

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type
from tenacity.wait import wait_random_exponential

from spec2listing.errors import ProviderRetryLater, ProviderThrottled, ProviderUnavailable

logger = logging.getLogger(__name__)
Result = TypeVar("Result")
# The longest Retry-After that is waited for. The state machine's Retry blocks wait at most 60 s between
# tries (MaxDelaySeconds, with full jitter, so often less), and a function waiting longer pays for idle
# time. A longer wait fails the call at once as ProviderRetryLater, naming the wait.
RETRY_LATER_SECONDS = 60.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long one provider call may be tried, in seconds."""

    attempts: int
    initial_seconds: float
    max_seconds: float
    timeout_seconds: float
    budget_seconds: float


class Deadline:
    """The time left for every attempt of one call, started when it is created.

    The budget is the policy's, or `budget_seconds` when the caller has less time than that.
    """

    def __init__(self, policy: RetryPolicy, budget_seconds: float | None = None) -> None:
        self.policy = policy
        self.budget_seconds = policy.budget_seconds
        if budget_seconds is not None:
            self.budget_seconds = min(policy.budget_seconds, budget_seconds)
        self._start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self._start

    def remaining(self) -> float:
        return self.budget_seconds - self.elapsed()

    def attempt_timeout(self, what: str) -> float:
        """The HTTP timeout of the next attempt: the per-attempt timeout, cut to the budget left."""
        remaining = self.remaining()
        if remaining <= 0:
            raise ProviderUnavailable(f"{what}: the {self.budget_seconds:g} s budget for this call is spent")
        return min(self.policy.timeout_seconds, remaining)


def call_with_retries(call: Callable[[float], Result], *, policy: RetryPolicy, what: str) -> Result:
    """Run `call(timeout_seconds)`, retrying throttling and transient failures within the policy."""
    deadline = Deadline(policy)
    return run_with_retries(call, deadline=deadline, what=what)


def run_with_retries(call: Callable[[float], Result], *, deadline: Deadline, what: str) -> Result:
    """Like `call_with_retries`, inside a deadline the caller shares with later calls (a repair attempt)."""
    policy = deadline.policy
    backoff = wait_random_exponential(multiplier=policy.initial_seconds, max=policy.max_seconds)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, ProviderThrottled | ProviderUnavailable) and error.retry_after_seconds is not None:
            return error.retry_after_seconds
        return float(backoff(state))

    def stop(state: RetryCallState) -> bool:
        if state.attempt_number >= policy.attempts:
            return True
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, ProviderThrottled | ProviderUnavailable) and (error.retry_after_seconds or 0.0) > (
            RETRY_LATER_SECONDS
        ):
            return True
        # Waiting past the budget would only end in a timeout; the state machine retries later instead.
        return deadline.elapsed() + (state.upcoming_sleep or 0.0) >= deadline.budget_seconds

    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.warning(
            "provider call failed, retrying",
            extra={
                "call": what,
                "attempt": state.attempt_number,
                "error": type(error).__name__,
                "detail": str(error),
                "wait_seconds": round(state.upcoming_sleep or 0.0, 3),
            },
        )

    retrying = Retrying(
        retry=retry_if_exception_type((ProviderThrottled, ProviderUnavailable)),
        wait=wait,
        stop=stop,
        before_sleep=log_retry,
        reraise=True,
    )
    try:
        return retrying(lambda: call(deadline.attempt_timeout(what)))
    except (ProviderThrottled, ProviderUnavailable) as error:
        requested_wait = error.retry_after_seconds
        if requested_wait is None or requested_wait <= RETRY_LATER_SECONDS:
            raise
        raise ProviderRetryLater(
            f"{error}; the provider asked to wait {requested_wait:.0f} s before another request, longer than the state "
            "machine's retries can wait, so no retry was made: run the spec again after that time"
        ) from error


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date), if the server sent one."""
    if headers is None:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        seconds = _finite(milliseconds)
        if seconds is not None:
            return max(0.0, seconds / 1000)
    value = headers.get("retry-after")
    if not value:
        return None
    seconds = _finite(value)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _finite(text: str) -> float | None:
    """Return the finite number a header gives, or None ("nan", "inf" and text that is not a number)."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
