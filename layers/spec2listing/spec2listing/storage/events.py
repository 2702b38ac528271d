"""Publishing events on the application's EventBridge bus."""

import json
from typing import Any, Protocol

EVENT_SOURCE = "spec2listing"


class EventPublisher(Protocol):
    def publish(self, detail_type: str, detail: dict[str, Any]) -> None: ...


class EventBridgePublisher:
    """Puts events on one bus through a boto3 EventBridge client."""

    def __init__(self, bus_name: str, client: Any) -> None:
        self._bus_name = bus_name
        self._client = client

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        response = self._client.put_events(
            Entries=[
                {
                    "EventBusName": self._bus_name,
                    "Source": EVENT_SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail, default=str),
                }
            ]
        )
        if response.get("FailedEntryCount"):
            entry = response["Entries"][0]
            raise RuntimeError(
                f"publishing {detail_type} to bus {self._bus_name} failed: "
                f"{entry.get('ErrorCode')} {entry.get('ErrorMessage')}"
            )


class MemoryPublisher:
    """Collects events in a list for tests."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        self.events.append((detail_type, detail))
