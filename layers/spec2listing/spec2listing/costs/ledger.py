"""The cost ledger: one object per provider call, written when the call returns.

Each call's usage goes to the bucket under the product's `usage/` prefix as soon
as the provider answers, whatever happens next: an answer that fails
validation, a refusal, or a later step that fails still leaves its cost behind.
FinalizeProduct and RecordFailure sum the ledger, so no usage has to travel
through the state machine's payload or survive a Catch.
"""

import math
import threading
import uuid
from datetime import UTC, datetime
from typing import Protocol

from spec2listing.models.records import Usage
from spec2listing.storage import keys
from spec2listing.storage.objects import ObjectStore, get_json, put_json


class UsageLedger(Protocol):
    """Where a provider records each call it made, as soon as it returns."""

    def record(self, usage: Usage) -> None: ...


class MemoryLedger:
    """Usage kept in a list: for tests, benchmarks and calls made outside a run."""

    def __init__(self, job_id: str | None = None) -> None:
        self.job_id = job_id
        self.recorded: list[Usage] = []
        self._lock = threading.Lock()

    def record(self, usage: Usage) -> None:
        usage = self._stamped(usage)
        with self._lock:
            self.recorded.append(usage)

    def _stamped(self, usage: Usage) -> Usage:
        if self.job_id is None or usage.job_id is not None:
            return usage
        return usage.model_copy(update={"job_id": self.job_id})

    @property
    def cost_usd(self) -> float:
        with self._lock:
            return total_cost(self.recorded)


class StoreLedger(MemoryLedger):
    """One product's ledger in the bucket; `recorded` keeps what this invocation wrote, for metrics."""

    def __init__(self, store: ObjectStore, run_id: str, sku: str, job_id: str | None = None) -> None:
        super().__init__(job_id)
        self._store = store
        self._run_id = run_id
        self._sku = sku

    def for_job(self, job_id: str) -> "StoreLedger":
        """Return a ledger of the same product that stamps `job_id` on what it records."""
        return StoreLedger(self._store, self._run_id, self._sku, job_id)

    def record(self, usage: Usage) -> None:
        usage = self._stamped(usage)
        # A timestamp first keeps the calls in order; the random part keeps concurrent and retried calls apart.
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}-{usage.step}.json"
        put_json(self._store, keys.product_usage_prefix(self._run_id, self._sku) + name, usage)
        super().record(usage)


def read_ledger(store: ObjectStore, run_id: str, sku: str) -> list[Usage]:
    """Return every call recorded for one product in one run, oldest first."""
    prefix = keys.product_usage_prefix(run_id, sku)
    return [Usage.model_validate(get_json(store, key)) for key in sorted(store.list_keys(prefix))]


def total_cost(usage: list[Usage]) -> float:
    return round(sum(item.cost_usd for item in usage), 6)


# The counts of a Usage that add up over calls, beside cost_usd.
SUMMED_COUNTS = ("calls", "input_tokens", "output_tokens", "thinking_tokens", "cached_tokens", "images")


def summed_usage(usage: list[Usage], *, by_reported: bool = True) -> list[Usage]:
    """Sum calls by step, provider, model and whether the provider reported usage, in order of first call.

    Product records keep these sums rather than the calls, so that a product with thousands of calls (120
    images, each retried) still fits a DynamoDB item (400 KB). The calls one by one stay in the ledger and
    the manifest. Without `by_reported`, reported and estimated calls are summed together, and each sum's
    `reported` is that of its first call. Costs are rounded once, after the sum: rounding each addition lost
    up to half a micro-dollar a call.
    """
    sums: dict[tuple[str, str, str, bool], Usage] = {}
    for item in usage:
        key = (item.step, item.provider, item.model, item.reported and by_reported)
        total = sums.get(key)
        if total is None:
            sums[key] = item.model_copy(update={"job_id": None})
            continue
        for name in SUMMED_COUNTS:
            setattr(total, name, getattr(total, name) + getattr(item, name))
        total.cost_usd += item.cost_usd
    totals = list(sums.values())
    shares = _shares_of_total([total.cost_usd for total in totals], round(total_cost(usage) * MICRO))
    for total, micro in zip(totals, shares, strict=True):
        total.cost_usd = micro / MICRO
    return totals


MICRO = 1_000_000


def _shares_of_total(costs: list[float], total_micro: int) -> list[int]:
    """Round costs to micro-dollars so that they add up to `total_micro`, the total as total_cost gives it.

    Rounding each sum on its own could leave the rows of a record or a summary a micro-dollar or more
    away from its total. The rows get the micro-dollars of the total by largest remainder. The total is
    passed in, rather than summed again here, because another order of addition may round the other way.
    """
    exact = [cost * MICRO for cost in costs]
    shares = [math.floor(value) for value in exact]
    missing = total_micro - sum(shares)
    by_remainder = sorted(range(len(costs)), key=lambda index: exact[index] - shares[index], reverse=True)
    for index in by_remainder[: max(missing, 0)]:
        shares[index] += 1
    return shares
