"""Product and run records in one DynamoDB table, and an in-memory stand-in.

Item layout (pk / sk):
    PRODUCT#<sku> / CURRENT        latest outcome of the SKU; carries review_status for the status index
    PRODUCT#<sku> / RUN#<run_id>   the SKU's history, one item per run
    PRODUCT#<sku> / LISTING        the last completed listing, which a changed spec is compared with
    PRODUCT#<sku> / SPEC#<hash>    the claim on generating the listing of one spec content
    RUN#<run_id>  / RUN            the run record
    RUN#<run_id>  / PRODUCT#<sku>  each product's outcome in that run, read by Summarize
    DELIVERY#<hash> / DELIVERY     the run a trigger delivery started; expires after DELIVERY_TTL
Each item stores the whole model as JSON in `record`, plus the few attributes
that keys, indexes and conditions need.

Duplicate deliveries and unchanged specs are found with conditional writes:
the first writer of a DELIVERY or SPEC item wins, and a later one reads who won.

CURRENT and LISTING carry `order` (see outcome_order) and are only replaced by
an outcome that sorts later, so both name the same run whatever order
concurrent runs write in.
"""

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from boto3.dynamodb.conditions import Attr, Key

from spec2listing.errors import RecordsUnavailable
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus, RunRecord, RunStatus, SpecClaim
from spec2listing.storage.parallel import map_parallel

STATUS_INDEX = "status-index"
# EventBridge retries a delivery for up to 24 hours; a week leaves room for redrives from the dead-letter queue.
DELIVERY_TTL = timedelta(days=7)
# Maximum numbers of keys in one BatchGetItem request and of items in one BatchWriteItem request (DynamoDB limits).
BATCH_GET_KEYS = 100
BATCH_WRITE_ITEMS = 25
# Requests per batch while DynamoDB returns unprocessed keys or items, with exponential backoff of up to 2 s between.
BATCH_ATTEMPTS = 8


class RecordStore(Protocol):
    """Reads and writes of product and run records."""

    def put_run(self, run: RunRecord) -> None: ...

    def put_open_run(self, run: RunRecord) -> bool:
        """Write a RUNNING run's record unless the run is already closed; False when it is.

        Intake writes its run with this, so that a run that a stop closed before Intake got to it is not
        reopened by Intake's record.
        """
        ...

    def get_run(self, run_id: str) -> RunRecord | None: ...

    def put_product(self, record: ProductRecord) -> None: ...

    def put_products(self, records: list[ProductRecord]) -> None: ...

    def get_current_product(self, sku: str) -> ProductRecord | None: ...

    def list_run_products(self, run_id: str) -> list[ProductRecord]: ...

    def list_by_status(self, status: ProductStatus) -> list[ProductRecord]: ...

    def claim_delivery(self, delivery: str, run_id: str) -> str:
        """Record that `run_id` handles a trigger delivery; return the run that does (an earlier one wins)."""
        ...

    def release_delivery(self, delivery: str, run_id: str) -> bool:
        """Drop `run_id`'s claim on a delivery, so that a replay of the trigger starts a new run."""
        ...

    def claim_spec(self, sku: str, spec_hash: str, run_id: str) -> SpecClaim:
        """Claim generating a SKU's listing from one spec content, and return the claim in force.

        The claim is taken when there is none, when it is `run_id`'s own, or
        when an earlier attempt ended in RETRY.
        """
        ...

    def claim_specs(self, specs: Sequence[tuple[str, str]], run_id: str) -> list[SpecClaim]:
        """Claim each (sku, spec_hash) as claim_spec does, and return the claims in force in the same order."""
        ...

    def take_over_spec(self, sku: str, spec_hash: str, run_id: str, stale_run_id: str) -> bool:
        """Take a PENDING claim from a run that ended without settling it."""
        ...

    def settle_spec(self, record: ProductRecord, state: ClaimState) -> bool:
        """Mark `record.run_id`'s claim DONE with the outcome, or RETRY; False when the run has no claim."""
        ...

    def put_listing(self, record: ProductRecord, as_of: ProductRecord) -> bool:
        """Make `record` the SKU's last completed listing as of the outcome `as_of`, unless a later outcome set one.

        `as_of` is `record` itself for a generated listing, and the new run's
        outcome for a listing kept because the spec is unchanged.
        """
        ...

    def get_listing(self, sku: str) -> ProductRecord | None: ...

    def get_listings(self, skus: Sequence[str]) -> dict[str, ProductRecord]:
        """Read the last completed listing of each SKU; SKUs without one are left out."""
        ...


def _claimable(item: dict[str, Any], run_id: str) -> bool:
    """Tell whether claim_spec's condition holds for a stored claim item: `run_id`'s own claim, or one to retry."""
    return bool(item["run_id"] == run_id or item["state"] == ClaimState.RETRY.value)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def outcome_order(record: ProductRecord) -> str:
    """Sort key of a SKU's outcomes: when the spec changed, then when the run finished, then the run id.

    The change time is the time of the event that brought the spec, so a slow
    run of an older change never replaces the outcome of a newer one, whichever
    order their events arrived in. Events of the same second (EventBridge
    stamps whole seconds) and outcomes without a change time fall back to the
    finish time, which a change time always precedes. Run ids alone do not
    order runs that start in the same second, because their suffix is a hash.
    """
    finished = (record.finished_at or datetime.now(UTC)).astimezone(UTC)
    finished_text = finished.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if record.changed_at is None:
        return f"{finished_text}#{record.run_id}"
    changed = record.changed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{changed}#{finished_text}#{record.run_id}"


def product_items(record: ProductRecord) -> list[dict[str, Any]]:
    """Build the three items one product outcome is written as: CURRENT first, then history and run."""
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
        {
            "pk": f"PRODUCT#{record.sku}",
            "sk": "CURRENT",
            "review_status": record.status.value,
            "order": outcome_order(record),
            **common,
        },
        {"pk": f"PRODUCT#{record.sku}", "sk": f"RUN#{record.run_id}", **common},
        {"pk": f"RUN#{record.run_id}", "sk": f"PRODUCT#{record.sku}", **common},
    ]


def delivery_item(delivery: str, run_id: str) -> dict[str, Any]:
    return {
        "pk": f"DELIVERY#{delivery}",
        "sk": "DELIVERY",
        "run_id": run_id,
        "updated_at": _now(),
        "expires_at": int(time.time() + DELIVERY_TTL.total_seconds()),
    }


def claim_item(sku: str, spec_hash: str, run_id: str) -> dict[str, Any]:
    return {
        "pk": f"PRODUCT#{sku}",
        "sk": f"SPEC#{spec_hash}",
        "sku": sku,
        "spec_hash": spec_hash,
        "run_id": run_id,
        "state": ClaimState.PENDING.value,
        "updated_at": _now(),
    }


def claim_from_item(item: dict[str, Any]) -> SpecClaim:
    record = item.get("record")
    return SpecClaim(
        sku=item["sku"],
        spec_hash=item["spec_hash"],
        run_id=item["run_id"],
        state=ClaimState(item["state"]),
        record=ProductRecord.model_validate_json(record) if record else None,
    )


def listing_item(record: ProductRecord, as_of: ProductRecord) -> dict[str, Any]:
    return {
        "pk": f"PRODUCT#{record.sku}",
        "sk": "LISTING",
        "sku": record.sku,
        "run_id": as_of.run_id,
        "order": outcome_order(as_of),
        "spec_hash": record.spec_hash or "",
        "updated_at": _now(),
        "record": record.model_dump_json(),
    }


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
    """The application table through a boto3 DynamoDB Table resource.

    Item reads and writes go through the resource's client, which is
    thread-safe and converts Python values as the resource does, so several
    threads may call this store at once. The resource itself is not
    thread-safe: only batch_writer and queries use it, from the calling thread.
    """

    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client
        self._table_name: str = table.name

    def put_run(self, run: RunRecord) -> None:
        self._client.put_item(TableName=self._table_name, Item=run_item(run))

    def put_open_run(self, run: RunRecord) -> bool:
        return self._put_if(run_item(run), Attr("pk").not_exists() | Attr("status").eq(RunStatus.RUNNING.value))

    def get_run(self, run_id: str) -> RunRecord | None:
        item = self._get_item({"pk": f"RUN#{run_id}", "sk": "RUN"})
        return RunRecord.model_validate_json(item["record"]) if item else None

    def put_product(self, record: ProductRecord) -> None:
        self.put_products([record])

    def put_products(self, records: list[ProductRecord]) -> None:
        """Write each outcome's history and run items with BatchWriteItem requests of 25, sent in parallel,
        then CURRENT where the outcome is the latest.

        A retried handler writes the same items again. Of two records with the
        same item keys, the later one in `records` is written. CURRENT needs a
        condition, which batch writes cannot carry, so it is one conditional
        put per outcome, also sent in parallel.
        """
        items = list(
            {(item["pk"], item["sk"]): item for record in records for item in product_items(record)[1:]}.values()
        )
        chunks = [items[start : start + BATCH_WRITE_ITEMS] for start in range(0, len(items), BATCH_WRITE_ITEMS)]
        map_parallel(self._batch_write_chunk, chunks)
        currents = [product_items(record)[0] for record in records]
        map_parallel(lambda current: self._put_if(current, _sorts_after_stored(current["order"])), currents)

    def get_current_product(self, sku: str) -> ProductRecord | None:
        item = self._get_item({"pk": f"PRODUCT#{sku}", "sk": "CURRENT"})
        return ProductRecord.model_validate_json(item["record"]) if item else None

    def list_run_products(self, run_id: str) -> list[ProductRecord]:
        # Strongly consistent: the run's summary reads this right after the last product's write, and an
        # outcome missing from an eventually consistent read would be recorded as lost.
        condition = Key("pk").eq(f"RUN#{run_id}") & Key("sk").begins_with("PRODUCT#")
        items = self._query(KeyConditionExpression=condition, ConsistentRead=True)
        return [ProductRecord.model_validate_json(item["record"]) for item in items]

    def list_by_status(self, status: ProductStatus) -> list[ProductRecord]:
        items = self._query(IndexName=STATUS_INDEX, KeyConditionExpression=Key("review_status").eq(status.value))
        return [ProductRecord.model_validate_json(item["record"]) for item in items]

    def count_finished_products(self, run_id: str) -> int:
        """Count the run's product outcomes other than REJECTED, without reading the records."""
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(f"RUN#{run_id}") & Key("sk").begins_with("PRODUCT#"),
            "FilterExpression": Attr("status").ne(ProductStatus.REJECTED.value),
            "Select": "COUNT",
            "ConsistentRead": True,
        }
        count = 0
        while True:
            response = self._table.query(**arguments)
            count += int(response["Count"])
            if "LastEvaluatedKey" not in response:
                return count
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def claim_delivery(self, delivery: str, run_id: str) -> str:
        condition = Attr("pk").not_exists() | Attr("run_id").eq(run_id)
        if self._put_if(delivery_item(delivery, run_id), condition):
            return run_id
        key = {"pk": f"DELIVERY#{delivery}", "sk": "DELIVERY"}
        item = self._client.get_item(TableName=self._table_name, Key=key, ConsistentRead=True)
        return str(item["Item"]["run_id"])

    def release_delivery(self, delivery: str, run_id: str) -> bool:
        try:
            self._table.delete_item(
                Key={"pk": f"DELIVERY#{delivery}", "sk": "DELIVERY"}, ConditionExpression=Attr("run_id").eq(run_id)
            )
        except self._table.meta.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def claim_spec(self, sku: str, spec_hash: str, run_id: str) -> SpecClaim:
        condition = Attr("pk").not_exists() | Attr("run_id").eq(run_id) | Attr("state").eq(ClaimState.RETRY.value)
        item = claim_item(sku, spec_hash, run_id)
        if self._put_if(item, condition):
            return claim_from_item(item)
        key = {"pk": item["pk"], "sk": item["sk"]}
        stored = self._client.get_item(TableName=self._table_name, Key=key, ConsistentRead=True)["Item"]
        return claim_from_item(stored)

    def claim_specs(self, specs: Sequence[tuple[str, str]], run_id: str) -> list[SpecClaim]:
        """Read all claims in batches first, then write only the claims that are free, in parallel.

        A claim held by another run, or DONE, is returned as read without a
        write. The writes keep claim_spec's condition, because BatchWriteItem
        takes no conditions: a run that claims the same spec between the read
        and the write keeps its claim, and that claim is returned.
        """
        stored = self._batch_get([{"pk": f"PRODUCT#{sku}", "sk": f"SPEC#{spec_hash}"} for sku, spec_hash in specs])

        def claim(spec: tuple[str, str]) -> SpecClaim:
            sku, spec_hash = spec
            item = stored.get((f"PRODUCT#{sku}", f"SPEC#{spec_hash}"))
            if item is not None and not _claimable(item, run_id):
                return claim_from_item(item)
            return self.claim_spec(sku, spec_hash, run_id)

        return map_parallel(claim, specs)

    def take_over_spec(self, sku: str, spec_hash: str, run_id: str, stale_run_id: str) -> bool:
        condition = Attr("run_id").eq(stale_run_id) & Attr("state").eq(ClaimState.PENDING.value)
        return self._put_if(claim_item(sku, spec_hash, run_id), condition)

    def settle_spec(self, record: ProductRecord, state: ClaimState) -> bool:
        if not record.spec_hash:
            return False
        try:
            self._client.update_item(
                TableName=self._table_name,
                Key={"pk": f"PRODUCT#{record.sku}", "sk": f"SPEC#{record.spec_hash}"},
                UpdateExpression="SET #state = :state, #record = :record, updated_at = :now",
                ConditionExpression=Attr("run_id").eq(record.run_id),
                ExpressionAttributeNames={"#state": "state", "#record": "record"},
                ExpressionAttributeValues={":state": state.value, ":record": record.model_dump_json(), ":now": _now()},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def put_listing(self, record: ProductRecord, as_of: ProductRecord) -> bool:
        item = listing_item(record, as_of)
        return self._put_if(item, _sorts_after_stored(item["order"]))

    def get_listing(self, sku: str) -> ProductRecord | None:
        item = self._get_item({"pk": f"PRODUCT#{sku}", "sk": "LISTING"})
        return ProductRecord.model_validate_json(item["record"]) if item else None

    def get_listings(self, skus: Sequence[str]) -> dict[str, ProductRecord]:
        items = self._batch_get([{"pk": f"PRODUCT#{sku}", "sk": "LISTING"} for sku in skus])
        return {item["sku"]: ProductRecord.model_validate_json(item["record"]) for item in items.values()}

    def _get_item(self, key: dict[str, str]) -> dict[str, Any] | None:
        response = self._client.get_item(TableName=self._table_name, Key=key, ConsistentRead=True)
        item: dict[str, Any] | None = response.get("Item")
        return item

    def _batch_get(self, item_keys: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """Read items with strongly consistent BatchGetItem requests of up to 100 keys, sent in parallel.

        Returns the items found by (pk, sk). Keys that DynamoDB leaves
        unprocessed (throttling, or a response over 16 MB) are requested again
        after a backoff.
        """
        unique = list({(key["pk"], key["sk"]): key for key in item_keys}.values())
        chunks = [unique[start : start + BATCH_GET_KEYS] for start in range(0, len(unique), BATCH_GET_KEYS)]
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for items in map_parallel(self._batch_get_chunk, chunks):
            found.update({(item["pk"], item["sk"]): item for item in items})
        return found

    def _batch_get_chunk(self, item_keys: list[dict[str, str]]) -> list[dict[str, Any]]:
        request = {self._table_name: {"Keys": item_keys, "ConsistentRead": True}}
        responses = self._send_batch(self._client.batch_get_item, request, unprocessed="UnprocessedKeys", noun="keys")
        return [item for response in responses for item in response.get("Responses", {}).get(self._table_name, [])]

    def _batch_write_chunk(self, items: list[dict[str, Any]]) -> None:
        request = {self._table_name: [{"PutRequest": {"Item": item}} for item in items]}
        self._send_batch(self._client.batch_write_item, request, unprocessed="UnprocessedItems", noun="items")

    def _send_batch(self, send: Any, request: dict[str, Any], *, unprocessed: str, noun: str) -> list[dict[str, Any]]:
        """Send a batch request, and again what the response names in its `unprocessed` field, after a backoff.

        Returns every response. DynamoDB leaves part of a batch unprocessed
        when it throttles the table or, for reads, when a response passes 16 MB.
        """
        responses: list[dict[str, Any]] = []
        for attempt in range(BATCH_ATTEMPTS):
            if attempt:
                time.sleep(min(0.05 * 2**attempt, 2.0))
            response: dict[str, Any] = send(RequestItems=request)
            responses.append(response)
            request = response.get(unprocessed) or {}
            if not request:
                return responses
        pending = request[self._table_name]
        count = len(pending["Keys"]) if isinstance(pending, dict) else len(pending)
        raise RecordsUnavailable(
            f"DynamoDB left {count} {noun} of table {self._table_name} "
            f"unprocessed after {BATCH_ATTEMPTS} attempts; retry the run later"
        )

    def _put_if(self, item: dict[str, Any], condition: Any) -> bool:
        """Put an item when the condition holds; False when DynamoDB rejected it on the condition."""
        try:
            self._client.put_item(TableName=self._table_name, Item=item, ConditionExpression=condition)
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _query(self, **arguments: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            response = self._table.query(**arguments)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _sorts_after_stored(order: str) -> Any:
    """Condition that no item is stored, or one written before `order` existed, or one that sorts no later."""
    return Attr("pk").not_exists() | Attr("order").not_exists() | Attr("order").lte(order)


def _is_latest(stored: dict[str, Any] | None, order: str) -> bool:
    return stored is None or "order" not in stored or stored["order"] <= order


class MemoryRecordStore:
    """Dict-backed records for unit tests and benchmarks."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def put_run(self, run: RunRecord) -> None:
        item = run_item(run)
        with self._lock:
            self.items[(item["pk"], item["sk"])] = item

    def put_open_run(self, run: RunRecord) -> bool:
        item = run_item(run)
        with self._lock:
            stored = self.items.get((item["pk"], item["sk"]))
            if stored is not None and stored["status"] != RunStatus.RUNNING.value:
                return False
            self.items[(item["pk"], item["sk"])] = item
        return True

    def get_run(self, run_id: str) -> RunRecord | None:
        item = self.items.get((f"RUN#{run_id}", "RUN"))
        return RunRecord.model_validate_json(item["record"]) if item else None

    def put_product(self, record: ProductRecord) -> None:
        self.put_products([record])

    def put_products(self, records: list[ProductRecord]) -> None:
        with self._lock:
            for record in records:
                current, *others = product_items(record)
                for item in others:
                    self.items[(item["pk"], item["sk"])] = item
                key = (current["pk"], current["sk"])
                if _is_latest(self.items.get(key), current["order"]):
                    self.items[key] = current

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

    def claim_delivery(self, delivery: str, run_id: str) -> str:
        item = delivery_item(delivery, run_id)
        with self._lock:
            stored = self.items.setdefault((item["pk"], item["sk"]), item)
            return str(stored["run_id"])

    def release_delivery(self, delivery: str, run_id: str) -> bool:
        key = (f"DELIVERY#{delivery}", "DELIVERY")
        with self._lock:
            stored = self.items.get(key)
            if stored is None or stored["run_id"] != run_id:
                return False
            del self.items[key]
            return True

    def claim_spec(self, sku: str, spec_hash: str, run_id: str) -> SpecClaim:
        item = claim_item(sku, spec_hash, run_id)
        key = (item["pk"], item["sk"])
        with self._lock:
            stored = self.items.get(key)
            if stored is None or _claimable(stored, run_id):
                self.items[key] = stored = item
            return claim_from_item(stored)

    def claim_specs(self, specs: Sequence[tuple[str, str]], run_id: str) -> list[SpecClaim]:
        return [self.claim_spec(sku, spec_hash, run_id) for sku, spec_hash in specs]

    def take_over_spec(self, sku: str, spec_hash: str, run_id: str, stale_run_id: str) -> bool:
        item = claim_item(sku, spec_hash, run_id)
        key = (item["pk"], item["sk"])
        with self._lock:
            stored = self.items.get(key)
            if stored is None or stored["run_id"] != stale_run_id or stored["state"] != ClaimState.PENDING.value:
                return False
            self.items[key] = item
            return True

    def settle_spec(self, record: ProductRecord, state: ClaimState) -> bool:
        key = (f"PRODUCT#{record.sku}", f"SPEC#{record.spec_hash}")
        with self._lock:
            stored = self.items.get(key)
            if not record.spec_hash or stored is None or stored["run_id"] != record.run_id:
                return False
            self.items[key] = {**stored, "state": state.value, "record": record.model_dump_json(), "updated_at": _now()}
            return True

    def put_listing(self, record: ProductRecord, as_of: ProductRecord) -> bool:
        item = listing_item(record, as_of)
        key = (item["pk"], item["sk"])
        with self._lock:
            if not _is_latest(self.items.get(key), item["order"]):
                return False
            self.items[key] = item
            return True

    def get_listing(self, sku: str) -> ProductRecord | None:
        item = self.items.get((f"PRODUCT#{sku}", "LISTING"))
        return ProductRecord.model_validate_json(item["record"]) if item else None

    def get_listings(self, skus: Sequence[str]) -> dict[str, ProductRecord]:
        listings = {sku: self.get_listing(sku) for sku in skus}
        return {sku: listing for sku, listing in listings.items() if listing is not None}
