"""Whether a pipeline execution is still running, asked of Step Functions."""

from typing import Any, Protocol


class ExecutionLookup(Protocol):
    def is_running(self, execution_id: str) -> bool:
        """True while the execution runs; False once it ended or when Step Functions does not know it."""
        ...


class StepFunctionsExecutions:
    """DescribeExecution through a boto3 Step Functions client."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def is_running(self, execution_id: str) -> bool:
        try:
            description = self._client.describe_execution(executionArn=execution_id)
        except self._client.exceptions.ExecutionDoesNotExist:
            # Step Functions keeps a closed execution for 90 days; one it does not know is not running.
            return False
        return bool(description["status"] == "RUNNING")


class MemoryExecutions:
    """Execution states set by tests: every execution runs until `end` is called for it."""

    def __init__(self) -> None:
        self.ended: set[str] = set()

    def end(self, execution_id: str) -> None:
        self.ended.add(execution_id)

    def is_running(self, execution_id: str) -> bool:
        return execution_id not in self.ended
