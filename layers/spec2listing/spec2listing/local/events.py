"""ProductSpecChanged events read from files, so that `spec2listing run --event` can send them locally."""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spec2listing.models.triggers import PRODUCT_SPEC_CHANGED

SAMPLE_EVENT = "events/pim-spec-changed-akeneo.json"


def read_event(path: Path) -> dict[str, Any]:
    """Read a ProductSpecChanged event as the app's bus delivers it; raise ValueError saying what to fix.

    Only the envelope is checked here, as the bus's rule matches it. Intake checks the detail and rejects a
    bad one with field errors, as it does on AWS. EventBridge stamps an id and a time on every event it
    receives, so an event file without them gets a new id and the current time.
    """
    try:
        event = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read the event: {error}; expected a JSON event such as {SAMPLE_EVENT}") from error
    if not isinstance(event, dict):
        raise ValueError(f"the event is a JSON {type(event).__name__}; expected an object such as {SAMPLE_EVENT}")
    if event.get("detail-type") != PRODUCT_SPEC_CHANGED:
        raise ValueError(
            f"detail-type is {json.dumps(event.get('detail-type'))}; the app's bus starts runs only for "
            f'"{PRODUCT_SPEC_CHANGED}" events, so set it to that'
        )
    if not isinstance(event.get("source"), str) or not event["source"]:
        raise ValueError('source is missing; give the sender, such as "com.example.pim", as PutEvents requires')
    if not isinstance(event.get("detail"), dict):
        raise ValueError(
            "detail is missing or not an object; expected the change itself, with spec or spec_s3, "
            f"as in {SAMPLE_EVENT}"
        )
    event.setdefault("id", str(uuid.uuid4()))
    event.setdefault("time", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return event
