"""Reference photos given as local paths: upload them to the local bucket where the pipeline looks for them.

In the cloud `reference_photos` holds bucket keys. Locally a spec may name
files inside the spec file's folder instead, by a path relative to the spec.
Each such file is uploaded as `references/<sku>/<path>`, the key the pipeline
tries when an entry is not a key in the bucket, so the spec itself is uploaded
byte for byte as it was given.

The file is read with intake's own readers and reader options, so every input
format is covered and only products that validate (with a valid sku) have
photos staged. Absolute paths, paths that climb out of the spec's folder and
links that lead out of it are never read. Otherwise a spec exported from a
PIM, or an archive unpacked beside it, could send any file on the machine to
the image provider. Intake then rejects such an entry, like any other missing
photo, with the path it names.
"""

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from spec2listing.intake import parse_upload
from spec2listing.intake.options import read_options
from spec2listing.storage import keys

REFERENCES_PREFIX = keys.REFERENCES_PREFIX
Upload = Callable[[str, bytes], None]


def stage_reference_photos(path: Path, data: bytes, metadata: Mapping[str, str], upload: Upload) -> list[str]:
    """Upload the local photos the file's valid products name, and return the keys they were uploaded to.

    `metadata` contains the reader options the upload carries, as intake reads
    them. A file that cannot be read stages nothing, and intake rejects it.
    """
    staged = local_reference_photos(path, data, metadata)
    for key, local in staged.items():
        upload(key, local.read_bytes())
    return list(staged)


def local_reference_photos(path: Path, data: bytes, metadata: Mapping[str, str]) -> dict[str, Path]:
    """Map the key of each local photo the file's valid products name to the file it is staged from."""
    options = read_options(f"{path.name} metadata", dict(metadata), ignore_unknown=True)
    if isinstance(options, list):
        return {}
    parsed = parse_upload(path.name, data, options)
    staged: dict[str, Path] = {}
    for _, spec in parsed.specs:
        for entry in spec.reference_photos:
            local = local_photo(path.parent, entry)
            if local is not None:
                staged[keys.staged_reference_photo(spec.sku, entry)] = local
    return staged


def photo_conflicts(paths: Iterable[Path], metadata: Mapping[str, str]) -> list[str]:
    """Describe each key that two of the files would stage different photos under, one sentence per key.

    Staged photos are shared by sku, so when one command runs two files that
    name "front.png" for the same sku from two folders, the later upload would
    replace the photo the earlier file's run reads.
    """
    first: dict[str, tuple[Path, Path]] = {}
    conflicts = []
    for path in paths:
        for key, local in local_reference_photos(path, path.read_bytes(), metadata).items():
            if key not in first:
                first[key] = (path, local)
                continue
            earlier, earlier_local = first[key]
            if earlier_local != local and not _same_bytes(earlier_local, local):
                conflicts.append(
                    f"{earlier} and {path} name different photos ({earlier_local} and {local}) that are both "
                    f"staged as {key}; run the two files in separate commands"
                )
    return conflicts


def _same_bytes(first: Path, second: Path) -> bool:
    return first.stat().st_size == second.stat().st_size and first.read_bytes() == second.read_bytes()


def local_photo(folder: Path, entry: str) -> Path | None:
    """Return the file inside `folder` that a relative entry names, or None when there is none.

    Intake reads spec text in Unicode normal form C, while a file system may
    keep the name in form D (as macOS tools write "café"), so that spelling is
    tried too. A link that loops or cannot be followed names no file.
    """
    try:
        relative = keys.relative_photo_path(entry)
    except ValueError:
        return None
    root = folder.resolve()
    for spelling in dict.fromkeys((relative, unicodedata.normalize("NFD", relative))):
        try:
            local = (root / spelling).resolve()
            if local.is_relative_to(root) and local.is_file():
                return local
        except (OSError, RuntimeError):
            # Python 3.11 and 3.12 raise RuntimeError on a symlink loop; from 3.13 is_file() is False for one.
            continue
    return None
