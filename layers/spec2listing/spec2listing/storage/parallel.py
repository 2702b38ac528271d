"""A bounded thread pool for independent storage calls, such as one S3 put per product.

boto3 clients are thread-safe, so the adapters share one client across the
pool. aws.CLIENT_CONFIG sizes each client's connection pool to PARALLEL_CALLS,
so that no thread waits for a connection.
"""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# At 10-30 ms per S3 or DynamoDB call, 32 calls in flight cover 1,000-3,000 calls a second.
PARALLEL_CALLS = 32


def map_parallel(function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """Call `function` on every item, up to PARALLEL_CALLS at once, and return the results in item order.

    When calls fail, the exception of the first failed item is raised here
    once the calls already running have finished; calls not yet started are
    cancelled.
    """
    items = list(items)
    if len(items) <= 1:
        return [function(item) for item in items]
    pool = ThreadPoolExecutor(max_workers=min(PARALLEL_CALLS, len(items)))
    try:
        return list(pool.map(function, items))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
