"""Whether a pipeline execution is still running, asked of Step Functions."""

import time
from typing import Any, Protocol

# How long a RUNNING status is reused without asking again. Intake checks once per product whose claim
# another run holds, and one run usually holds a whole catalog's claims. A stale RUNNING status only makes
# this run generate the product as well.
RUNNING_TRUSTED_SECONDS = 10.0


class ExecutionLookup(Protocol):
    def is_running(self, execution_id: str) -> bool:
        """Return True while the execution runs, and False once it ended or when Step Functions does not know it."""
        ...


class StepFunctionsExecutions:
    """DescribeExecution through a boto3 Step Functions client, remembering executions that ended."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._ended: set[str] = set()
        self._running_seen: dict[str, float] = {}

    def is_running(self, execution_id: str) -> bool:
        if execution_id in self._ended:
            return False
        seen = self._running_seen.get(execution_id)
        if seen is not None and time.monotonic() - seen < RUNNING_TRUSTED_SECONDS:
            return True
        try:
            description = self._client.describe_execution(executionArn=execution_id)
        except self._client.exceptions.ExecutionDoesNotExist:
            # Step Functions keeps a closed execution for 90 days, so one it does not know is not running.
            description = {"status": "UNKNOWN"}
        if description["status"] != "RUNNING":
            self._ended.add(execution_id)
            self._running_seen.pop(execution_id, None)
            return False
        self._running_seen[execution_id] = time.monotonic()
        return True


class MemoryExecutions:
    """Execution states set by tests: every execution runs until `end` is called for it."""

    def __init__(self) -> None:
        self.ended: set[str] = set()

    def end(self, execution_id: str) -> None:
        self.ended.add(execution_id)

    def is_running(self, execution_id: str) -> bool:
        return execution_id not in self.ended
