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
in flight at once, and local wall time. The local table serves one request at
a time, so wall time here says little about AWS. An estimate of the time on
AWS is calls / calls in flight x 10-30 ms per call. Usage:

    .venv/bin/python bench/intake.py [--products 1000]
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
from pathlib import Path
from typing import Any

import botocore.client
from spec2listing.local.runtime import LocalPipeline, s3_object_created_event
from spec2listing.models.manifest import Manifest
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus
from spec2listing.storage.objects import put_json

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


def report(label: str, products: int, result: dict[str, Any], counter: CallCounter, seconds: float) -> None:
    total = sum(counter.calls.values())
    per_product = total / products
    print(f"({label}) queued {result['queued_count']}, reused {result['reused_count']} of {products} products")
    print(f"    calls per product: {per_product:.2f} ({total} calls)")
    for operation, count in counter.calls.most_common():
        print(f"      {operation:24s} {count / products:6.3f}")
    print(f"    most calls in flight at once: {counter.max_in_flight}")
    low, high = (total / max(counter.max_in_flight, 1) * ms / 1000 for ms in CALL_LATENCY_MS)
    print(f"    estimate on AWS at {CALL_LATENCY_MS[0]}-{CALL_LATENCY_MS[1]} ms per call: {low:.0f}-{high:.0f} s")
    print(f"    local wall time: {seconds:.1f} s ({seconds / products * 1000:.1f} ms per product)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000, help="products in the generated catalog")
    arguments = parser.parse_args()
    products = arguments.products

    with tempfile.TemporaryDirectory(prefix="spec2listing-intake-bench-") as folder:
        work = Path(folder)
        with LocalPipeline(work / "out", environment={"PROVIDERS": "offline"}) as pipeline:
            data = write_catalog(work / "catalog.csv", products, price_offset=0)
            first, counter, seconds = run_intake(pipeline, "incoming/catalog.csv", data)
            report("a: new catalog", products, first, counter, seconds)

            finish_products(pipeline, first["run_id"], first["products_key"])
            second, counter, seconds = run_intake(pipeline, "incoming/catalog.csv", data)
            report("b: unchanged catalog", products, second, counter, seconds)

            changed = write_catalog(work / "catalog.csv", products, price_offset=1)
            third, counter, seconds = run_intake(pipeline, "incoming/catalog.csv", changed)
            report("c: every price changed", products, third, counter, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
