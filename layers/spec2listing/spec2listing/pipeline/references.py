"""Reference photos: find the object each `reference_photos` entry names, and read it as an image.

An entry is a key in the bucket. When no object has that key and the entry is
a relative path, the photo is looked up under `references/<sku>/<path>`, where
a local run uploads the files a spec names beside it (and where a deployment
may put them too). Intake rejects a product whose photo is in neither place,
and the render step reads the photos the same way.

The spec names a photo by its path, so intake also keeps each photo's ETag,
which it gets from the same HEAD request. The ETags are part of the product's
content hash, and a photo replaced under the same name is therefore a change.
"""

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from spec2listing.errors import FieldError, ReferencePhotoInvalid, ReferencePhotoMissing
from spec2listing.models.spec import ProductSpec
from spec2listing.providers.media import MAX_REFERENCE_PHOTO_BYTES, MAX_REFERENCE_PHOTO_PIXELS, image_problem
from spec2listing.storage import keys
from spec2listing.storage.objects import ObjectStore

EXPECTED_PHOTO = (
    "the key of an object in the bucket, or a path under references/<sku>/ in the bucket; "
    "in a local run, a file path relative to the spec file, inside its folder"
)
EXPECTED_IMAGE = (
    f"a PNG, JPEG or WebP photo of the product, of at most {MAX_REFERENCE_PHOTO_BYTES // 1_000_000} MB "
    f"and {MAX_REFERENCE_PHOTO_PIXELS // 1_000_000} megapixels"
)
# HEAD requests for reference photos in flight at once during intake.
PHOTO_LOOKUP_CONCURRENCY = 16


def candidate_keys(sku: str, entry: str) -> list[str]:
    """Return the keys an entry may name, in the order they are tried.

    Spec text is read in Unicode normal form C, so a bucket key written in form D
    ("café" as "e" and a combining accent, as macOS tools write it) is tried in
    that spelling too.
    """
    decomposed = unicodedata.normalize("NFD", entry)
    try:
        staged = keys.staged_reference_photo(sku, entry)
    except ValueError:
        return list(dict.fromkeys((entry, decomposed)))
    return list(dict.fromkeys((entry, decomposed, staged)))


class FoundPhoto(NamedTuple):
    """The object a reference photo entry names, and its ETag when intake looked it up."""

    key: str
    etag: str


def reference_photo_key(store: ObjectStore, sku: str, entry: str) -> str | None:
    """Return the key of the object an entry names, or None when neither candidate exists."""
    return next((key for key in candidate_keys(sku, entry) if store.exists(key)), None)


def find_reference_photo(store: ObjectStore, sku: str, entry: str) -> FoundPhoto | None:
    """Return the object an entry names with its ETag, or None when neither candidate exists."""
    for key in candidate_keys(sku, entry):
        etag = store.etag(key)
        if etag is not None:
            return FoundPhoto(key=key, etag=etag)
    return None


def find_reference_photos(store: ObjectStore, specs: Iterable[ProductSpec]) -> dict[tuple[str, str], FoundPhoto | None]:
    """Map each (sku, entry) of the specs' reference photos to its object, or None when it is missing.

    A catalog may name tens of thousands of photos, and each lookup is one or
    two HEAD requests that wait on the network, so up to
    PHOTO_LOOKUP_CONCURRENCY of them run at once.
    """
    pairs = list(dict.fromkeys((spec.sku, entry) for spec in specs for entry in spec.reference_photos))
    if not pairs:
        return {}
    with ThreadPoolExecutor(max_workers=min(PHOTO_LOOKUP_CONCURRENCY, len(pairs))) as pool:
        found = list(pool.map(lambda pair: find_reference_photo(store, *pair), pairs))
    return dict(zip(pairs, found, strict=True))


def reference_photo_etags(spec: ProductSpec, found: Mapping[tuple[str, str], FoundPhoto | None]) -> dict[str, str]:
    """Map each reference photo entry of the spec that `found` has an object for to that object's ETag."""
    etags = {}
    for entry in spec.reference_photos:
        photo = found.get((spec.sku, entry))
        if photo is not None:
            etags[entry] = photo.etag
    return etags


def missing_reference_photos(
    store: ObjectStore,
    spec: ProductSpec,
    found: Mapping[tuple[str, str], FoundPhoto | None],
    *,
    file: str,
    locate: Callable[[tuple[int | str, ...]], str],
) -> list[FieldError]:
    """Return one field error per reference photo of the spec that `found` has no key for, or that names the
    object of an earlier entry ("photo.png" and "./photo.png"): each would be sent and billed again."""
    errors = []
    first_entry: dict[str, int] = {}
    for index, entry in enumerate(spec.reference_photos):
        photo = found.get((spec.sku, entry))
        if photo is not None and photo.key in first_entry:
            errors.append(
                FieldError(
                    file=file,
                    path=locate(("reference_photos", index)),
                    value=repr(entry),
                    message=f"the same photo as reference_photos[{first_entry[photo.key]}] (s3://{store.bucket}/"
                    f"{photo.key})",
                    expected="each reference photo once",
                )
            )
            continue
        if photo is not None:
            first_entry[photo.key] = index
            continue
        tried = " or ".join(f"s3://{store.bucket}/{key}" for key in candidate_keys(spec.sku, entry))
        errors.append(
            FieldError(
                file=file,
                path=locate(("reference_photos", index)),
                value=repr(entry),
                message=f"reference photo not found: no object at {tried}",
                expected=EXPECTED_PHOTO,
            )
        )
    return errors


class ReadPhoto(NamedTuple):
    """A reference photo as read from the bucket: its key and bytes, or why it cannot be used."""

    key: str | None
    data: bytes
    problem: str | None


def read_reference_photo(store: ObjectStore, sku: str, entry: str) -> ReadPhoto:
    """Read the photo an entry names and check that it decodes as an image within the size limits.

    The key is None when no object has either candidate key. A photo over
    MAX_REFERENCE_PHOTO_BYTES is not downloaded, and its data is empty.
    """
    key = reference_photo_key(store, sku, entry)
    if key is None:
        tried = " or ".join(f"s3://{store.bucket}/{candidate}" for candidate in candidate_keys(sku, entry))
        return ReadPhoto(key=None, data=b"", problem=f"not found: no object at {tried}")
    size = store.size(key)
    data = store.get_bytes(key) if size <= MAX_REFERENCE_PHOTO_BYTES else b""
    problem = image_problem(data, max_pixels=MAX_REFERENCE_PHOTO_PIXELS) if data else f"it has {size:,} bytes"
    return ReadPhoto(key=key, data=data, problem=problem)


def read_reference_photos(store: ObjectStore, sku: str, entries: list[str]) -> list[bytes]:
    """Read each photo an image job names and check that it decodes as an image, before any renderer sees it.

    Raises ReferencePhotoMissing when a photo is in neither place (it was
    deleted after intake checked it) and ReferencePhotoInvalid when its bytes
    are not a PNG, JPEG or WebP image within the size limits. Both messages name the entry.
    """
    photos = []
    for entry in entries:
        photo = read_reference_photo(store, sku, entry)
        if photo.key is None:
            raise ReferencePhotoMissing(f"reference photo {entry!r} {photo.problem}")
        if photo.problem is not None:
            raise ReferencePhotoInvalid(
                f"reference photo {entry!r} (s3://{store.bucket}/{photo.key}) is not a usable image: "
                f"{photo.problem}; expected {EXPECTED_IMAGE}"
            )
        photos.append(photo.data)
    return photos
