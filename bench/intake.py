"""Intake benchmark: AWS calls per product, and how many run at once, for a new, an unchanged and a changed catalog.

Intake reads a whole catalog in one Lambda invocation (timeout in
template.yaml), so its time grows with the number of AWS calls it makes per
product and with how many of them it makes at once. This script calls the
Intake handler of template.yaml on the local emulation (moto, in this process)
with generated canonical CSV catalogs, and counts every boto3 call the handler
makes:

(a) a new catalog: every product is claimed, compared and queued;
(b) the same catalog again after every product finished: every product keeps
    its listing (products are marked finished directly in the table and
    bucket, without running the Products map, to keep the script short);
(c) the catalog with every price changed: every product is queued again and
    compared with its last listing.

For each it prints calls per product by operation, the largest number of calls
in flight at once, and local wall time. The emulator runs in this process and
takes most of the local wall time, so that time says little about AWS.

(d) Intake's own CPU time per product (parsing, validation, hashing, JSON),
    measured by running the new catalog through run_intake on in-memory
    storage, where no call leaves the process;
(e) boto3's CPU time per call (serializing, signing, parsing), measured with
    conditional PutItem calls to an HTTP server on 127.0.0.1 that answers {}.

The estimate for a catalog of --estimate-for products on AWS adds the time of
the calls, calls / calls in flight x 10-30 ms per call (an estimated latency,
not a measured one), and the CPU time of (d) plus (e) for every call, on one
core of this machine. Threads overlap the calls, but Python runs one thread's
CPU work at a time, so the CPU time adds up. Usage:

    .venv/bin/python bench/intake.py [--products 1000] [--estimate-for 10000]
"""

import argparse
import csv
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import botocore.client
from boto3.dynamodb.conditions import Attr
from spec2listing.local.runtime import LocalPipeline, s3_object_created_event
from spec2listing.models.manifest import Manifest
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus
from spec2listing.models.tasks import IntakeTask, PipelineConfig
from spec2listing.pipeline import intake
from spec2listing.storage.objects import MemoryObjectStore, put_json
from spec2listing.storage.records import MemoryRecordStore

HEADER = ["sku", "name", "brand", "category", "price", "currency", "summary"]
CALL_LATENCY_MS = (10, 30)


class CallCounter:
    """Counts boto3 API calls by operation, and the most that were in flight at once."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    @contextmanager
    def counting(self) -> Iterator[None]:
        original = botocore.client.BaseClient._make_api_call
        counter = self

        def spy(client: Any, operation: str, parameters: dict[str, Any]) -> Any:
            with counter._lock:
                counter.calls[operation] += 1
                counter.in_flight += 1
                counter.max_in_flight = max(counter.max_in_flight, counter.in_flight)
            try:
                return original(client, operation, parameters)
            finally:
                with counter._lock:
                    counter.in_flight -= 1

        botocore.client.BaseClient._make_api_call = spy  # type: ignore[method-assign]
        try:
            yield
        finally:
            botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]


def write_catalog(path: Path, products: int, *, price_offset: int) -> bytes:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for index in range(products):
            price = f"{10 + index % 50 + price_offset}.00"
            writer.writerow(
                [f"BENCH-{index:05d}", f"Bench mug {index}", "Kiln", "Home > Mugs", price, "EUR", f"Mug {index}."]
            )
    return path.read_bytes()


def run_intake(pipeline: LocalPipeline, key: str, data: bytes) -> tuple[dict[str, Any], CallCounter, float]:
    pipeline.put_object(key, data)
    task = {
        "trigger": s3_object_created_event(pipeline.bucket, key, data),
        "execution_id": f"arn:aws:states:us-east-1:123456789012:execution:bench:{uuid.uuid4()}",
        "execution_name": str(uuid.uuid4()),
        "started_at": datetime.now(UTC).isoformat(),
    }
    counter = CallCounter()
    started = time.perf_counter()
    with counter.counting():
        result = pipeline.invoke("IntakeFunction", task)
    return result, counter, time.perf_counter() - started


def finish_products(pipeline: LocalPipeline, run_id: str, products_key: str) -> None:
    """Mark every queued product COMPLETE as FinalizeProduct would, without running its steps."""
    import json

    store, records = pipeline.store, pipeline.records
    for item in json.loads(store.get_bytes(products_key)):
        spec = json.loads(store.get_bytes(item["spec_key"]))
        manifest_key = f"runs/{run_id}/products/{item['sku']}/manifest.json"
        now = datetime.now(UTC)
        put_json(
            store,
            manifest_key,
            Manifest(
                sku=item["sku"],
                run_id=run_id,
                name=spec["spec"]["name"],
                status=ProductStatus.COMPLETE,
                spec_hash=spec["spec_hash"],
                source_file="bench.csv",
                created_at=now,
                providers={"copy": "offline", "images": "offline"},
                artifacts={"spec": item["spec_key"], "manifest": manifest_key},
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
            run_id=run_id,
            status=ProductStatus.COMPLETE,
            spec_hash=spec["spec_hash"],
            finished_at=now,
            artifacts={"spec": item["spec_key"], "manifest": manifest_key},
        )
        records.put_product(record)
        records.settle_spec(record, ClaimState.DONE)
        records.put_listing(record, as_of=record)


def cpu_seconds_per_product(data: bytes, products: int) -> float:
    """Run the new catalog through run_intake on in-memory storage and return its CPU time per product."""
    store, records = MemoryObjectStore("bench-memory"), MemoryRecordStore()
    store.put_bytes("incoming/catalog.csv", data, "text/csv")
    task = IntakeTask(
        trigger=s3_object_created_event(store.bucket, "incoming/catalog.csv", data),
        execution_id="arn:aws:states:us-east-1:123456789012:execution:bench:memory",
        execution_name="memory",
        started_at=datetime.now(UTC),
    )
    config = PipelineConfig(product_concurrency=8, image_concurrency=4, tolerated_failure_percentage=100)
    started = time.process_time()
    intake.run_intake(task, store=store, records=records, config=config)
    return (time.process_time() - started) / products


class EmptyDynamoResponse(BaseHTTPRequestHandler):
    """Responds to every DynamoDB request with an empty JSON object, as to a successful PutItem."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def boto3_cpu_seconds_per_call(calls: int = 500) -> float:
    """Time the calling thread's CPU for conditional PutItem calls of a claim-sized item to a local server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), EmptyDynamoResponse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        table = boto3.resource(
            "dynamodb",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{server.server_address[1]}",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        ).Table("bench")
        item = {"pk": "PRODUCT#BENCH-00001", "sk": "SPEC#" + "0" * 64, "run_id": "20261204T090000Z-0123abcd"}
        condition = Attr("pk").not_exists() | Attr("run_id").eq(item["run_id"])
        table.meta.client.put_item(TableName="bench", Item=item, ConditionExpression=condition)
        started = time.thread_time()
        for _ in range(calls):
            table.meta.client.put_item(TableName="bench", Item=item, ConditionExpression=condition)
        return (time.thread_time() - started) / calls
    finally:
        server.shutdown()
        server.server_close()


def report(
    label: str,
    products: int,
    result: dict[str, Any],
    counter: CallCounter,
    seconds: float,
    *,
    cpu_per_product: float,
    cpu_per_call: float,
    estimate_for: int,
) -> None:
    total = sum(counter.calls.values())
    per_product = total / products
    print(f"({label}) queued {result['queued_count']}, reused {result['reused_count']} of {products} products")
    print(f"    calls per product: {per_product:.2f} ({total} calls)")
    for operation, count in counter.calls.most_common():
        print(f"      {operation:24s} {count / products:6.3f}")
    print(f"    most calls in flight at once: {counter.max_in_flight}")
    low, high = (total / max(counter.max_in_flight, 1) * ms / 1000 for ms in CALL_LATENCY_MS)
    print(f"    estimate on AWS at {CALL_LATENCY_MS[0]}-{CALL_LATENCY_MS[1]} ms per call: {low:.1f}-{high:.1f} s")
    scale = estimate_for / products
    cpu = (cpu_per_product + per_product * cpu_per_call) * estimate_for
    print(
        f"    estimate for {estimate_for} products: {low * scale:.0f}-{high * scale:.0f} s of calls"
        f" + {cpu:.0f} s of CPU = {low * scale + cpu:.0f}-{high * scale + cpu:.0f} s"
    )
    print(f"    local wall time: {seconds:.1f} s ({seconds / products * 1000:.1f} ms per product)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000, help="products in the generated catalog")
    parser.add_argument(
        "--estimate-for", type=int, default=10_000, help="products in the catalog to estimate Intake's time on AWS for"
    )
    arguments = parser.parse_args()
    products = arguments.products
    estimates: dict[str, Any] = {"estimate_for": arguments.estimate_for}

    with tempfile.TemporaryDirectory(prefix="spec2listing-intake-bench-") as folder:
        work = Path(folder)
        with LocalPipeline(work / "out", environment={"PROVIDERS": "offline"}) as pipeline:
            data = write_catalog(work / "catalog.csv", products, price_offset=0)
            cpu = cpu_seconds_per_product(data, products)
            print(f"(d: CPU on in-memory storage) {cpu * 1000:.2f} ms per product")
            estimates["cpu_per_product"] = cpu
            cpu_per_call = boto3_cpu_seconds_per_call()
            print(f"(e: boto3 CPU per call) {cpu_per_call * 1000:.2f} ms")
            estimates["cpu_per_call"] = cpu_per_call

            first, counter, seconds = run_intake(pipeline, "incoming/catalog.csv", data)
            report("a: new catalog", products, first, counter, seconds, **estimates)

            finish_products(pipeline, first["run_id"], first["products_key"])
            second, counter, seconds = run_intake(pipeline, "incoming/catalog.csv", data)
            report("b: unchanged catalog", products, second, counter, seconds, **estimates)

            changed = write_catalog(work / "catalog.csv", products, price_offset=1)
            third, counter, seconds = run_intake(pipeline, "incoming/catalog.csv", changed)
            report("c: every price changed", products, third, counter, seconds, **estimates)
    return 0


if __name__ == "__main__":
    sys.exit(main())
