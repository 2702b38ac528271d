"""The DynamoDB record store's conditional writes, on moto's DynamoDB with the template's table."""

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus
from spec2listing.storage.records import DynamoRecordStore

from tests.support import create_records_table, emulated_aws

FINISHED = datetime(2026, 12, 4, 10, 0, 5, tzinfo=UTC)


@pytest.fixture
def dynamo(monkeypatch) -> DynamoRecordStore:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    with emulated_aws():
        create_records_table(boto3.client("dynamodb", region_name="us-east-1"))
        yield DynamoRecordStore(boto3.resource("dynamodb", region_name="us-east-1").Table("records"))


def test_first_delivery_claim_wins(dynamo) -> None:
    assert dynamo.claim_delivery("d1", "run-1") == "run-1"
    assert dynamo.claim_delivery("d1", "run-2") == "run-1"
    assert dynamo.claim_delivery("d1", "run-1") == "run-1"


def test_delivery_released_only_by_its_run(dynamo) -> None:
    assert dynamo.claim_delivery("d1", "run-1") == "run-1"
    assert not dynamo.release_delivery("d1", "run-2")
    assert dynamo.claim_delivery("d1", "run-2") == "run-1"
    assert dynamo.release_delivery("d1", "run-1")
    assert dynamo.claim_delivery("d1", "run-2") == "run-2"


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
    newer = ProductRecord(
        sku="A-1",
        run_id="20261204T100000Z-a",
        status=ProductStatus.COMPLETE,
        spec_hash="n",
        finished_at=FINISHED + timedelta(hours=1),
    )
    older = newer.model_copy(update={"run_id": "20261204T090000Z-b", "spec_hash": "o", "finished_at": FINISHED})
    assert dynamo.put_listing(newer, as_of=newer)
    assert not dynamo.put_listing(older, as_of=older)
    assert dynamo.get_listing("A-1") == newer
    assert dynamo.get_listing("B-2") is None


def test_current_and_listing_follow_finish_time(dynamo) -> None:
    # Same start second: run ids order by their hash suffix, which says nothing about which run is later.
    earlier = ProductRecord(
        sku="A-1",
        run_id="20261204T100000Z-ffffffff",
        status=ProductStatus.COMPLETE,
        spec_hash="earlier",
        finished_at=FINISHED,
    )
    later = earlier.model_copy(
        update={"run_id": "20261204T100000Z-00000000", "spec_hash": "later", "finished_at": FINISHED + timedelta(0, 1)}
    )
    for record in (later, earlier):
        dynamo.put_product(record)
        dynamo.put_listing(record, as_of=record)
    assert dynamo.get_current_product("A-1").run_id == later.run_id
    assert dynamo.get_listing("A-1").run_id == later.run_id
    assert [r.run_id for r in dynamo.list_run_products(earlier.run_id)] == [earlier.run_id]


def test_table_reads_are_strongly_consistent(dynamo) -> None:
    # A run's summary reads the product records seconds after their last write; on DynamoDB an
    # eventually consistent read may miss them. Only the status index cannot be read consistently.
    reads: list[tuple[str, dict]] = []

    def record(params, model, **_) -> None:
        if model.name in ("GetItem", "Query", "BatchGetItem"):
            reads.append((model.name, params))

    dynamo._client.meta.events.register("provide-client-params.dynamodb", record)
    product = ProductRecord(sku="A-1", run_id="run-1", status=ProductStatus.COMPLETE, spec_hash="h")
    dynamo.put_product(product)
    dynamo.put_listing(product, as_of=product)

    assert dynamo.get_current_product("A-1") == product
    assert dynamo.get_listing("A-1") == product
    assert dynamo.get_listings(["A-1"]) == {"A-1": product}
    assert dynamo.list_run_products("run-1") == [product]
    assert dynamo.count_finished_products("run-1") == 1
    assert dynamo.get_run("run-1") is None
    assert [record.sku for record in dynamo.list_by_status(ProductStatus.COMPLETE)] == ["A-1"]

    def consistent(name: str, params: dict) -> bool:
        if name == "BatchGetItem":
            return all(table.get("ConsistentRead") for table in params["RequestItems"].values())
        return params.get("ConsistentRead") is True

    assert len(reads) == 7
    assert [name for name, params in reads if not consistent(name, params)] == ["Query"]
    assert reads[-1][1]["IndexName"]
