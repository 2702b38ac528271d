"""Handler logging: every exception is logged with the task's ids before Lambda reports it."""

import io
import json
import logging

import pytest
from aws_lambda_powertools import Logger
from spec2listing.observability import observed


def _logger(service: str, buffer: io.StringIO) -> Logger:
    # One service name per test: Powertools configures the standard logger of a service only once.
    return Logger(service=service, logger_handler=logging.StreamHandler(buffer))


def test_exception_logged_with_task_ids() -> None:
    buffer = io.StringIO()
    logger = _logger("observed-exception", buffer)

    @observed(logger)
    def handler(event, context):
        raise ValueError("I/O operation on closed file.")

    event = {"run_id": "20261204T093001Z-e3fe1a9c", "sku": "KR-MUG-350", "job_id": "packshot", "jobs_key": "k"}
    with pytest.raises(ValueError, match="closed file"):
        handler(event, None)

    line = json.loads(buffer.getvalue().splitlines()[-1])
    assert line["level"] == "ERROR"
    assert line["error_type"] == "ValueError"
    assert (line["run_id"], line["sku"], line["job_id"]) == ("20261204T093001Z-e3fe1a9c", "KR-MUG-350", "packshot")
    assert "I/O operation on closed file." in line["exception"]


def test_ids_of_earlier_invocation_dropped() -> None:
    buffer = io.StringIO()
    logger = _logger("observed-ids", buffer)

    @observed(logger)
    def handler(event, context):
        logger.info("working")

    handler({"run_id": "run-1", "sku": "A-1"}, None)
    handler({"run_id": "run-2"}, None)

    first, second = (json.loads(line) for line in buffer.getvalue().splitlines())
    assert first["sku"] == "A-1"
    assert second["run_id"] == "run-2"
    assert "sku" not in second
