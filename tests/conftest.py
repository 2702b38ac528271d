import pytest
from spec2listing.storage.events import MemoryPublisher
from spec2listing.storage.objects import MemoryObjectStore
from spec2listing.storage.records import MemoryRecordStore

from tests.support import ACCEPTANCE


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not ACCEPTANCE.is_dir():
        raise pytest.UsageError(f"acceptance inputs not found at {ACCEPTANCE}; they must sit beside the checkout")


@pytest.fixture
def store() -> MemoryObjectStore:
    return MemoryObjectStore("spec2listing-test")


@pytest.fixture
def records() -> MemoryRecordStore:
    return MemoryRecordStore()


@pytest.fixture
def publisher() -> MemoryPublisher:
    return MemoryPublisher()
