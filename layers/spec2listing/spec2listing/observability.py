"""Logging context shared by the handlers."""

from aws_lambda_powertools import Logger

from spec2listing.models.tasks import TaskModel


def bind_task(logger: Logger, task: TaskModel) -> None:
    """Put run id, SKU and execution id on every following log line of this invocation.

    The thread-safe variants keep keys apart when several invocations share a
    process, as they do in local runs.
    """
    logger.thread_safe_clear_keys()
    keys = {name: getattr(task, name, None) for name in ("run_id", "sku", "execution_id", "job_id")}
    logger.thread_safe_append_keys(**{name: value for name, value in keys.items() if value})
