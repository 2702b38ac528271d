"""Build the AWS adapters from settings; the only module that creates boto3 clients."""

from typing import Any

import boto3
from botocore.config import Config

from spec2listing.settings import StorageSettings
from spec2listing.storage.events import EventBridgePublisher
from spec2listing.storage.executions import StepFunctionsExecutions
from spec2listing.storage.objects import S3ObjectStore
from spec2listing.storage.parallel import PARALLEL_CALLS
from spec2listing.storage.records import DynamoRecordStore

# Standard retry mode retries throttling and transient errors with backoff. One connection per
# parallel call, because the default pool of 10 connections would make the other threads wait.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=PARALLEL_CALLS)


def client(service: str) -> Any:
    return boto3.client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]


def object_store(settings: StorageSettings) -> S3ObjectStore:
    return S3ObjectStore(settings.bucket_name, client("s3"))


def record_store(settings: StorageSettings) -> DynamoRecordStore:
    table = boto3.resource("dynamodb", config=CLIENT_CONFIG).Table(settings.table_name)
    return DynamoRecordStore(table)


def event_publisher(settings: StorageSettings) -> EventBridgePublisher:
    return EventBridgePublisher(settings.event_bus_name, client("events"))


def executions() -> StepFunctionsExecutions:
    return StepFunctionsExecutions(client("stepfunctions"))
