"""Intake's AWS calls per product on moto's S3 and DynamoDB: batched reads, parallel writes, claims kept safe."""

import threading
from collections import Counter
from datetime import UTC, datetime

import boto3
import pytest
from spec2listing.errors import RecordsUnavailable
from spec2listing.models.manifest import Manifest
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus
from spec2listing.models.tasks import IntakeTask, PipelineConfig
from spec2listing.pipeline.intake import run_intake
from spec2listing.storage.objects import S3ObjectStore, get_json, put_json
from spec2listing.storage.parallel import PARALLEL_CALLS, map_parallel
from spec2listing.storage.records import BATCH_ATTEMPTS, DynamoRecordStore

from tests.fakes.server import FakeServer, Recorded, Reply
from tests.support import create_records_table, emulated_aws, load_event

BUCKET = "spec2listing-batching"
CONFIG = PipelineConfig(product_concurrency=2, image_concurrency=2, tolerated_failure_percentage=100)
PRODUCTS = 120


class CallCounter:
    """Counts the API calls of boto3 clients by operation, and the maximum number in flight at once."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def watch(self, client) -> None:
        client.meta.events.register("before-call", self._before)
        client.meta.events.register("after-call", self._after)

    def reset(self) -> None:
        self.calls.clear()
        self.max_in_flight = 0

    def _before(self, model, **_) -> None:
        with self._lock:
            self.calls[model.name] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _after(self, **_) -> None:
        with self._lock:
            self.in_flight -= 1


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    with emulated_aws():
        create_records_table(boto3.client("dynamodb", region_name="us-east-1"))
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        resource = boto3.resource("dynamodb", region_name="us-east-1").Table("records")
        counter = CallCounter()
        counter.watch(s3)
        counter.watch(resource.meta.client)
        yield S3ObjectStore(BUCKET, s3), DynamoRecordStore(resource), counter


def _catalog(store: S3ObjectStore, *, upload: int, price_offset: int = 0) -> IntakeTask:
    """Upload a catalog of PRODUCTS mugs and return the Intake task of its S3 event; `upload` numbers the run."""
    rows = ["sku,name,brand,category,price,currency,summary"]
    for i in range(PRODUCTS):
        rows.append(f"B-{i:04d},Mug {i},Kiln,Home > Mugs,{10 + i % 50 + price_offset}.00,EUR,Mug {i}.")
    store.put_bytes("incoming/catalog.csv", ("\n".join(rows) + "\n").encode(), "text/csv")
    trigger = load_event("s3-object-created-versioned")
    trigger["detail"]["bucket"]["name"] = BUCKET
    trigger["detail"]["object"]["key"] = "incoming/catalog.csv"
    trigger["detail"]["object"]["sequencer"] = f"{upload:020X}"
    del trigger["detail"]["object"]["version-id"]
    started = datetime(2026, 12, 4, 9, upload, tzinfo=UTC)
    return IntakeTask(trigger=trigger, execution_id="arn:local", execution_name=f"upload-{upload}", started_at=started)


def _finish(store: S3ObjectStore, records: DynamoRecordStore, products_key: str) -> None:
    """Record every queued product as COMPLETE, as FinalizeProduct does, without generating it."""
    for item in get_json(store, products_key):
        now = datetime.now(UTC)
        manifest_key = f"runs/{item['run_id']}/products/{item['sku']}/manifest.json"
        artifacts = {"spec": item["spec_key"], "manifest": manifest_key}
        put_json(
            store,
            manifest_key,
            Manifest(
                sku=item["sku"],
                run_id=item["run_id"],
                name=item["sku"],
                status=ProductStatus.COMPLETE,
                spec_hash=item["spec_hash"],
                source_file="catalog.csv",
                created_at=now,
                providers={},
                artifacts=artifacts,
                exports={},
                images=[],
                score=1.0,
                flags=0,
                usage=[],
                cost_usd=0.0,
                timings_ms={},
            ),
        )
        record = ProductRecord(
            sku=item["sku"],
            run_id=item["run_id"],
            status=ProductStatus.COMPLETE,
            spec_hash=item["spec_hash"],
            finished_at=now,
            artifacts=artifacts,
        )
        assert records.settle_spec(record, ClaimState.DONE)
        assert records.put_listing(record, as_of=record)


def test_new_catalog_batches_reads(aws) -> None:
    store, records, counter = aws
    task = _catalog(store, upload=1)
    counter.reset()

    result = run_intake(task, store=store, records=records, config=CONFIG)

    assert result.queued_count == PRODUCTS
    assert counter.calls["GetItem"] == 0
    assert counter.calls["BatchGetItem"] == 4  # claims and listings: two batches of up to 100 keys each
    assert counter.calls["PutItem"] == PRODUCTS + 3  # one claim per product, the delivery, the run twice
    assert counter.calls["PutObject"] == PRODUCTS + 1  # one spec.json per product, and products.json
    assert counter.max_in_flight > 1


def test_unchanged_catalog_reuses_in_parallel(aws) -> None:
    store, records, counter = aws
    first = run_intake(_catalog(store, upload=1), store=store, records=records, config=CONFIG)
    _finish(store, records, first.products_key)
    task = _catalog(store, upload=2)
    counter.reset()

    again = run_intake(task, store=store, records=records, config=CONFIG)

    assert again.reused_count == PRODUCTS
    assert again.queued_count == 0
    assert counter.calls["GetItem"] == 0
    assert counter.calls["BatchGetItem"] == 2  # the claims only: no product is queued, so no listing is read
    # Per product a listing and a CURRENT, both conditional; then the delivery and the run twice.
    assert counter.calls["PutItem"] == 2 * PRODUCTS + 3
    assert counter.calls["BatchWriteItem"] == 10  # 2 items per reused product, 25 items per request
    assert counter.max_in_flight > 1
    reused = records.get_current_product("B-0007")
    assert reused is not None
    assert reused.reused_from == first.run_id


def test_changed_catalog_reads_listings_in_batches(aws) -> None:
    store, records, counter = aws
    first = run_intake(_catalog(store, upload=1), store=store, records=records, config=CONFIG)
    _finish(store, records, first.products_key)
    task = _catalog(store, upload=2, price_offset=1)
    counter.reset()

    changed = run_intake(task, store=store, records=records, config=CONFIG)

    assert changed.queued_count == PRODUCTS
    assert counter.calls["GetItem"] == 0
    assert counter.calls["BatchGetItem"] == 4
    spec = get_json(store, get_json(store, changed.products_key)[7]["spec_key"])
    assert spec["base"]["run_id"] == first.run_id
    assert spec["base"]["changed_fields"] == ["price"]


def test_claim_specs_match_claim_spec(aws) -> None:
    _, records, _ = aws
    records.claim_spec("HELD", "h", "run-other")
    records.claim_spec("DONE", "h", "run-other")
    done = ProductRecord(sku="DONE", run_id="run-other", status=ProductStatus.COMPLETE, spec_hash="h")
    assert records.settle_spec(done, ClaimState.DONE)
    records.claim_spec("RETRY", "h", "run-other")
    assert records.settle_spec(done.model_copy(update={"sku": "RETRY"}), ClaimState.RETRY)
    records.claim_spec("OWN", "h", "run-1")

    claims = records.claim_specs([("NEW", "h"), ("HELD", "h"), ("DONE", "h"), ("RETRY", "h"), ("OWN", "h")], "run-1")

    assert [claim.sku for claim in claims] == ["NEW", "HELD", "DONE", "RETRY", "OWN"]
    assert [claim.run_id for claim in claims] == ["run-1", "run-other", "run-other", "run-1", "run-1"]
    assert claims[1].state == ClaimState.PENDING
    assert claims[2].state == ClaimState.DONE
    assert claims[2].record == done
    assert claims[3].state == ClaimState.PENDING


def test_concurrent_runs_share_no_claim(aws) -> None:
    _, records, _ = aws
    specs = [(f"C-{i:03d}", "h") for i in range(150)]

    claims_by_run = map_parallel(lambda run_id: records.claim_specs(specs, run_id), ["run-a", "run-b", "run-c"])

    for index, (sku, _) in enumerate(specs):
        owners = {claims[index].run_id for claims in claims_by_run}
        assert len(owners) == 1, f"{sku} is claimed by {sorted(owners)}"
        stored = records.claim_spec(sku, "h", "run-later")
        assert stored.run_id in owners


def test_map_parallel_keeps_order_and_bounds_threads() -> None:
    lock = threading.Lock()
    running = 0
    most = 0

    def square(number: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        threading.Event().wait(0.001)
        with lock:
            running -= 1
        return number * number

    assert map_parallel(square, range(200)) == [number * number for number in range(200)]
    assert most <= PARALLEL_CALLS


def test_map_parallel_raises_first_failure() -> None:
    def fail_on_odd(number: int) -> int:
        if number % 2:
            raise ValueError(f"odd {number}")
        return number

    with pytest.raises(ValueError, match="odd 1"):
        map_parallel(fail_on_odd, range(10))


class UnprocessedDynamo(FakeServer):
    """A DynamoDB endpoint that leaves every BatchGetItem key unprocessed, as under sustained throttling."""

    def respond(self, request: Recorded) -> Reply:
        return Reply(body={"Responses": {"records": []}, "UnprocessedKeys": request.json()["RequestItems"]})


def _listing_item(sku: str) -> dict:
    record = ProductRecord(sku=sku, run_id="run-1", status=ProductStatus.COMPLETE, spec_hash="h")
    return {
        "pk": {"S": f"PRODUCT#{sku}"},
        "sk": {"S": "LISTING"},
        "sku": {"S": sku},
        "record": {"S": record.model_dump_json()},
    }


def _fake_table(server: FakeServer):
    dynamodb = boto3.resource(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return DynamoRecordStore(dynamodb.Table("records"))


def test_batch_get_retries_unprocessed_keys(monkeypatch) -> None:
    monkeypatch.setattr("spec2listing.storage.records.time.sleep", lambda seconds: None)
    with UnprocessedDynamo() as server:
        keys = [{"pk": {"S": "PRODUCT#B"}, "sk": {"S": "LISTING"}}]
        unprocessed = {"records": {"Keys": keys, "ConsistentRead": True}}
        server.queue(
            Reply(body={"Responses": {"records": [_listing_item("A")]}, "UnprocessedKeys": unprocessed}),
            Reply(body={"Responses": {"records": [_listing_item("B")]}}),
        )

        listings = _fake_table(server).get_listings(["A", "B", "C"])

    assert sorted(listings) == ["A", "B"]
    assert listings["B"].run_id == "run-1"
    assert len(server.requests) == 2
    assert server.requests[1].json()["RequestItems"] == unprocessed


def test_batch_get_gives_up_when_throttled(monkeypatch) -> None:
    monkeypatch.setattr("spec2listing.storage.records.time.sleep", lambda seconds: None)
    with (
        UnprocessedDynamo() as server,
        pytest.raises(RecordsUnavailable, match="left 2 keys of table records unprocessed"),
    ):
        _fake_table(server).get_listings(["A", "B"])

    assert len(server.requests) == BATCH_ATTEMPTS


def test_batch_write_retries_unprocessed_items(monkeypatch) -> None:
    monkeypatch.setattr("spec2listing.storage.records.time.sleep", lambda seconds: None)
    record = ProductRecord(sku="A", run_id="run-1", status=ProductStatus.REJECTED)
    with UnprocessedDynamo() as server:
        item = {"pk": {"S": "RUN#run-1"}, "sk": {"S": "PRODUCT#A"}}
        unprocessed = {"records": [{"PutRequest": {"Item": item}}]}
        server.queue(
            Reply(body={"UnprocessedItems": unprocessed}), Reply(body={"UnprocessedItems": {}}), Reply(body={})
        )

        _fake_table(server).put_products([record])

    assert len(server.requests) == 3
    assert len(server.requests[0].json()["RequestItems"]["records"]) == 2  # history and run items
    assert server.requests[1].json()["RequestItems"] == unprocessed
    # CURRENT carries a condition, which batch writes cannot, so it is a put of its own.
    current = server.requests[2].json()
    assert current["Item"]["sk"] == {"S": "CURRENT"}
    assert "ConditionExpression" in current
