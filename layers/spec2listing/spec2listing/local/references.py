"""Reference photos given as local paths: upload them to the local bucket and point the spec at them.

In the cloud `reference_photos` holds bucket keys. Locally a spec may name
files beside it instead; each one that exists (relative to the spec file, or
absolute) is uploaded as `references/<sku>/<file name>` and its entry rewritten
to that key before the spec is submitted. Entries that are not local files stay
as they are, so a missing photo still fails the render with the key it named.
"""

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from spec2listing.intake.csv_catalog import split_list

REFERENCES_PREFIX = "references/"
Upload = Callable[[str, bytes], None]


def stage_reference_photos(path: Path, data: bytes, upload: Upload) -> bytes:
    """Return the file's bytes with local photo paths replaced by the keys they were uploaded to."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return _stage_json(path, data, upload)
        if suffix == ".csv":
            return _stage_csv(path, data, upload)
    except (UnicodeDecodeError, ValueError, csv.Error):
        pass  # an unreadable file goes up untouched, and intake rejects it with field-level errors
    return data


def _stage(photo: str, sku: str, folder: Path, upload: Upload) -> str:
    local = Path(photo) if Path(photo).is_absolute() else folder / photo
    if not local.is_file():
        return photo
    key = f"{REFERENCES_PREFIX}{sku}/{local.name}"
    upload(key, local.read_bytes())
    return key


def _stage_json(path: Path, data: bytes, upload: Upload) -> bytes:
    document = json.loads(data)
    products: list[Any]
    if isinstance(document, dict) and isinstance(document.get("products"), list):
        products = document["products"]
    elif isinstance(document, list):
        products = document
    else:
        products = [document]
    changed = False
    for product in products:
        if not isinstance(product, dict) or not isinstance(product.get("reference_photos"), list):
            continue
        sku = str(product.get("sku", "unknown"))
        staged = [
            _stage(photo, sku, path.parent, upload) if isinstance(photo, str) else photo
            for photo in product["reference_photos"]
        ]
        changed = changed or staged != product["reference_photos"]
        product["reference_photos"] = staged
    if not changed:
        return data
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def _stage_csv(path: Path, data: bytes, upload: Upload) -> bytes:
    text = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "reference_photos" not in rows[0]:
        return data
    changed = False
    for row in rows:
        cell = row.get("reference_photos") or ""
        staged = [_stage(photo, row.get("sku") or "unknown", path.parent, upload) for photo in split_list(cell)]
        if staged != split_list(cell):
            row["reference_photos"] = ";".join(staged)
            changed = True
    if not changed:
        return data
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode("utf-8")
