"""ProductSpecChanged events read from files, so that `spec2listing run --event` can send them locally."""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spec2listing.models.triggers import PRODUCT_SPEC_CHANGED

SAMPLE_EVENT = "events/pim-spec-changed-akeneo.json"
# PutEvents accepts an entry of up to 256 KB. The state machine's input is the event with the envelope that
# EventBridge adds (id, account, region, time), and Intake's parameters add the execution's id, name and start
# time to it. Step Functions limits that input to 256 KiB as well, so an event has to be this much smaller.
MAX_EVENT_BYTES = 255 * 1024


# A file this large is refused before it is parsed, whatever share of it is indentation, since no sender
# indents an event that much.
MAX_EVENT_FILE_BYTES = 16 * MAX_EVENT_BYTES


def _too_large(size: int) -> str:
    return (
        f"the event has {size:,} bytes without its indentation, over the {MAX_EVENT_BYTES:,} bytes that fit in a "
        "run's input once EventBridge and the state machine add their fields; upload the spec to the bucket and "
        "point at it with detail.spec_s3"
    )


def read_event(path: Path) -> dict[str, Any]:
    """Read a ProductSpecChanged event as the app's bus delivers it; raise ValueError saying what to fix.

    Only the envelope is checked here, as PutEvents and the bus's rule check it. Intake checks the detail
    and rejects a bad one with field errors, as it does on AWS. PutEvents stamps a new id on every event it
    accepts, so each event sent here gets a new id too, whatever id the file has. An event file without a
    time gets the current time, as EventBridge stamps it.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read the event: {error}; expected a JSON event such as {SAMPLE_EVENT}") from error
    if len(data) > MAX_EVENT_FILE_BYTES:
        raise ValueError(_too_large(len(data)))
    try:
        event = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        # ValueError covers invalid JSON and integers too long to convert; RecursionError, nesting too deep.
        reason = "it is nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise ValueError(f"cannot read the event: {reason}; expected a JSON event such as {SAMPLE_EVENT}") from error
    if not isinstance(event, dict):
        raise ValueError(f"the event is a JSON {type(event).__name__}; expected an object such as {SAMPLE_EVENT}")
    # The bus carries the event without the file's indentation, as `jq -c` writes it.
    compact = len(json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if compact > MAX_EVENT_BYTES:
        raise ValueError(_too_large(compact))
    if "DetailType" in event and "detail-type" not in event:
        raise ValueError(
            "this is a PutEvents entry (DetailType, Detail); expected the event as the bus delivers it, with "
            f"detail-type, source and detail, as in {SAMPLE_EVENT}"
        )
    if event.get("detail-type") != PRODUCT_SPEC_CHANGED:
        raise ValueError(
            f"detail-type is {json.dumps(event.get('detail-type'))}; the app's bus starts runs only for "
            f'"{PRODUCT_SPEC_CHANGED}" events, so set it to that'
        )
    if not isinstance(event.get("source"), str) or not event["source"]:
        raise ValueError('source is missing; give the sender, such as "com.example.pim", as PutEvents requires')
    if event["source"].startswith("aws."):
        raise ValueError(f"source is {event['source']!r}; PutEvents rejects sources that start with 'aws.'")
    if not isinstance(event.get("detail"), dict):
        raise ValueError(
            "detail is missing or not an object; expected the change itself, with spec or spec_s3, "
            f"as in {SAMPLE_EVENT}"
        )
    event["id"] = str(uuid.uuid4())
    event.setdefault("time", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return event
