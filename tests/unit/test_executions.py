"""The Step Functions execution lookup, on moto's Step Functions."""

import json

import boto3
import pytest
from moto import mock_aws
from spec2listing.storage.executions import StepFunctionsExecutions

DEFINITION = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 600, "End": True}}}


@pytest.fixture
def stepfunctions(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    with mock_aws():
        client = boto3.client("stepfunctions", region_name="us-east-1")
        calls: list[str] = []
        client.meta.events.register(
            "provide-client-params.sfn.DescribeExecution", lambda params, **_: calls.append(params["executionArn"])
        )
        machine = client.create_state_machine(
            name="pipeline", definition=json.dumps(DEFINITION), roleArn="arn:aws:iam::123456789012:role/sfn"
        )
        yield client, machine["stateMachineArn"], calls


def test_running_then_stopped_execution(stepfunctions) -> None:
    client, machine_arn, _ = stepfunctions
    execution = client.start_execution(stateMachineArn=machine_arn, name="run-1")["executionArn"]
    executions = StepFunctionsExecutions(client)
    assert executions.is_running(execution)

    client.stop_execution(executionArn=execution)
    assert not StepFunctionsExecutions(client).is_running(execution)


def test_unknown_execution_is_not_running(stepfunctions) -> None:
    client, machine_arn, _ = stepfunctions
    unknown = machine_arn.replace(":stateMachine:", ":execution:") + ":never-started"
    assert not StepFunctionsExecutions(client).is_running(unknown)


def test_results_are_remembered(stepfunctions) -> None:
    client, machine_arn, calls = stepfunctions
    running = client.start_execution(stateMachineArn=machine_arn, name="run-1")["executionArn"]
    stopped = client.start_execution(stateMachineArn=machine_arn, name="run-2")["executionArn"]
    client.stop_execution(executionArn=stopped)
    executions = StepFunctionsExecutions(client)

    for _ in range(3):
        assert executions.is_running(running)
        assert not executions.is_running(stopped)

    assert calls == [running, stopped]
