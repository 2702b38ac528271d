"""Product and run records in one DynamoDB table, and an in-memory stand-in.

Item layout (pk / sk):
    PRODUCT#<sku> / CURRENT        latest outcome of the SKU; carries review_status for the status index
    PRODUCT#<sku> / RUN#<run_id>   the SKU's history, one item per run
    RUN#<run_id>  / RUN            the run record
    RUN#<run_id>  / PRODUCT#<sku>  each product's outcome in that run, read by Summarize
Each item stores the whole model as JSON in `record`, plus the few attributes
that keys and indexes need.
"""

import threading
from datetime import UTC, datetime
from typing import Any, Protocol

from boto3.dynamodb.conditions import Key

from spec2listing.models.records import ProductRecord, ProductStatus, RunRecord

STATUS_INDEX = "status-index"


class RecordStore(Protocol):
    """Reads and writes of product and run records."""

    def put_run(self, run: RunRecord) -> None: ...

    def get_run(self, run_id: str) -> RunRecord | None: ...

    def put_product(self, record: ProductRecord) -> None: ...

    def get_current_product(self, sku: str) -> ProductRecord | None: ...

    def list_run_products(self, run_id: str) -> list[ProductRecord]: ...

    def list_by_status(self, status: ProductStatus) -> list[ProductRecord]: ...


def _now() -> str:
    return datetime.now(UTC).isoformat()


def product_items(record: ProductRecord) -> list[dict[str, Any]]:
    """Build the three items one product outcome is written as."""
    body = record.model_dump_json()
    updated = (record.finished_at or datetime.now(UTC)).isoformat()
    common = {
        "sku": record.sku,
        "run_id": record.run_id,
        "status": record.status.value,
        "updated_at": updated,
        "record": body,
    }
    if record.spec_hash:
        common["spec_hash"] = record.spec_hash
    return [
        {"pk": f"PRODUCT#{record.sku}", "sk": "CURRENT", "review_status": record.status.value, **common},
        {"pk": f"PRODUCT#{record.sku}", "sk": f"RUN#{record.run_id}", **common},
        {"pk": f"RUN#{record.run_id}", "sk": f"PRODUCT#{record.sku}", **common},
    ]


def run_item(run: RunRecord) -> dict[str, Any]:
    return {
        "pk": f"RUN#{run.run_id}",
        "sk": "RUN",
        "run_id": run.run_id,
        "status": run.status.value,
        "updated_at": _now(),
        "record": run.model_dump_json(),
    }


class DynamoRecordStore:
    """The application table through a boto3 DynamoDB Table resource."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def put_run(self, run: RunRecord) -> None:
        self._table.put_item(Item=run_item(run))

    def get_run(self, run_id: str) -> RunRecord | None:
        item = self._table.get_item(Key={"pk": f"RUN#{run_id}", "sk": "RUN"}).get("Item")
        return RunRecord.model_validate_json(item["record"]) if item else None

    def put_product(self, record: ProductRecord) -> None:
        client = self._table.meta.client
        client.transact_write_items(
            TransactItems=[{"Put": {"TableName": self._table.name, "Item": item}} for item in product_items(record)]
        )

    def get_current_product(self, sku: str) -> ProductRecord | None:
        item = self._table.get_item(Key={"pk": f"PRODUCT#{sku}", "sk": "CURRENT"}).get("Item")
        return ProductRecord.model_validate_json(item["record"]) if item else None

    def list_run_products(self, run_id: str) -> list[ProductRecord]:
        condition = Key("pk").eq(f"RUN#{run_id}") & Key("sk").begins_with("PRODUCT#")
        return [
            ProductRecord.model_validate_json(item["record"]) for item in self._query(KeyConditionExpression=condition)
        ]

    def list_by_status(self, status: ProductStatus) -> list[ProductRecord]:
        items = self._query(IndexName=STATUS_INDEX, KeyConditionExpression=Key("review_status").eq(status.value))
        return [ProductRecord.model_validate_json(item["record"]) for item in items]

    def _query(self, **arguments: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            response = self._table.query(**arguments)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]


class MemoryRecordStore:
    """Dict-backed records for unit tests and benchmarks."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def put_run(self, run: RunRecord) -> None:
        item = run_item(run)
        with self._lock:
            self.items[(item["pk"], item["sk"])] = item

    def get_run(self, run_id: str) -> RunRecord | None:
        item = self.items.get((f"RUN#{run_id}", "RUN"))
        return RunRecord.model_validate_json(item["record"]) if item else None

    def put_product(self, record: ProductRecord) -> None:
        with self._lock:
            for item in product_items(record):
                self.items[(item["pk"], item["sk"])] = item

    def get_current_product(self, sku: str) -> ProductRecord | None:
        item = self.items.get((f"PRODUCT#{sku}", "CURRENT"))
        return ProductRecord.model_validate_json(item["record"]) if item else None

    def list_run_products(self, run_id: str) -> list[ProductRecord]:
        with self._lock:
            items = [
                item for (pk, sk), item in self.items.items() if pk == f"RUN#{run_id}" and sk.startswith("PRODUCT#")
            ]
        return [ProductRecord.model_validate_json(item["record"]) for item in sorted(items, key=lambda i: i["sk"])]

    def list_by_status(self, status: ProductStatus) -> list[ProductRecord]:
        with self._lock:
            items = [item for item in self.items.values() if item.get("review_status") == status.value]
        return [ProductRecord.model_validate_json(item["record"]) for item in items]
