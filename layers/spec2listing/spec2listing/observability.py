"""Logging context shared by the handlers."""

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aws_lambda_powertools import Logger

from spec2listing.errors import RenderPending

TASK_IDS = ("run_id", "sku", "execution_id", "job_id")
Handler = TypeVar("Handler", bound=Callable[..., Any])


def task_ids(event: object) -> dict[str, str]:
    """Return the run id, SKU, execution id and job id a task event carries, read before it is validated."""
    if not isinstance(event, Mapping):
        return {}
    return {name: str(event[name]) for name in TASK_IDS if isinstance(event.get(name), str) and event[name]}


def observed(logger: Logger) -> Callable[[Handler], Handler]:
    """Put the task's ids on every log line of an invocation, and log an exception with them before re-raising it.

    Lambda reports an unhandled exception to the state machine, which retries
    or catches it by name, and the runtime logs it without the run or SKU. The
    error line written here carries them. The thread-safe key variants keep
    keys apart when several invocations share a process, as they do in local
    runs. Place it under `inject_lambda_context` and above the event parser, so
    that an event that fails validation is logged too.
    """

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def wrapper(event: Any, context: Any) -> Any:
            logger.thread_safe_clear_keys()
            logger.thread_safe_append_keys(**task_ids(event))
            try:
                return handler(event, context)
            except RenderPending as pending:
                # An expected wait, retried by the state machine every few seconds: no error, no traceback.
                logger.info("waiting for the same image from another product", extra={"reason": str(pending)})
                raise
            except Exception as error:
                logger.exception("step failed", extra={"error_type": type(error).__name__})
                raise

        return wrapper  # type: ignore[return-value]

    return decorate
