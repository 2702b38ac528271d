"""The DynamoDB record store's conditional writes, on moto's DynamoDB with the template's table."""

import boto3
import pytest
from moto import mock_aws
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus
from spec2listing.storage.records import DynamoRecordStore

from tests.support import create_records_table


@pytest.fixture
def dynamo(monkeypatch) -> DynamoRecordStore:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    with mock_aws():
        create_records_table(boto3.client("dynamodb", region_name="us-east-1"))
        yield DynamoRecordStore(boto3.resource("dynamodb", region_name="us-east-1").Table("records"))


def test_first_delivery_claim_wins(dynamo) -> None:
    assert dynamo.claim_delivery("d1", "run-1") == "run-1"
    assert dynamo.claim_delivery("d1", "run-2") == "run-1"
    assert dynamo.claim_delivery("d1", "run-1") == "run-1"


def test_spec_claim_lifecycle(dynamo) -> None:
    assert dynamo.claim_spec("A-1", "h", "run-1").run_id == "run-1"
    held = dynamo.claim_spec("A-1", "h", "run-2")
    assert (held.run_id, held.state) == ("run-1", ClaimState.PENDING)

    record = ProductRecord(sku="A-1", run_id="run-1", status=ProductStatus.COMPLETE, spec_hash="h", score=1.0)
    assert dynamo.settle_spec(record, ClaimState.DONE)
    done = dynamo.claim_spec("A-1", "h", "run-2")
    assert done.state == ClaimState.DONE
    assert done.record == record
    assert not dynamo.settle_spec(record.model_copy(update={"run_id": "run-2"}), ClaimState.RETRY)

    assert dynamo.settle_spec(record, ClaimState.RETRY)
    assert dynamo.claim_spec("A-1", "h", "run-3").run_id == "run-3"


def test_take_over_pending_claim_only(dynamo) -> None:
    dynamo.claim_spec("A-1", "h", "run-1")
    assert not dynamo.take_over_spec("A-1", "h", "run-3", "run-2")
    assert dynamo.take_over_spec("A-1", "h", "run-2", "run-1")
    assert dynamo.claim_spec("A-1", "h", "run-9").run_id == "run-2"


def test_listing_keeps_the_latest_run(dynamo) -> None:
    newer = ProductRecord(sku="A-1", run_id="20261204T100000Z-a", status=ProductStatus.COMPLETE, spec_hash="n")
    older = newer.model_copy(update={"run_id": "20261204T090000Z-b", "spec_hash": "o"})
    assert dynamo.put_listing(newer, as_of=newer.run_id)
    assert not dynamo.put_listing(older, as_of=older.run_id)
    assert dynamo.get_listing("A-1") == newer
    assert dynamo.get_listing("B-2") is None
