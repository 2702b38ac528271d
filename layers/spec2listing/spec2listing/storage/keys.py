"""Where every artifact lives in the bucket.

Outputs never land under incoming/, the only prefix that starts runs, so a run
cannot trigger itself.
"""

from pathlib import PurePosixPath

from spec2listing.types import key_segment_problem

INCOMING_PREFIX = "incoming/"
BRANDS_PREFIX = "brands/"
RUNS_PREFIX = "runs/"
REJECTED_PREFIX = "rejected/"
CACHE_PREFIX = "cache/"
REFERENCES_PREFIX = "references/"
# Prefixes of brand guides and of the pipeline's own files, which a PIM event may not name as a spec.
PIPELINE_PREFIXES = (RUNS_PREFIX, REJECTED_PREFIX, CACHE_PREFIX, BRANDS_PREFIX, "map-results/")


def brand_guide(name: str) -> str:
    return f"{BRANDS_PREFIX}{_safe_name(name, 'brand guide name')}.json"


def run_prefix(run_id: str) -> str:
    return f"{RUNS_PREFIX}{run_id}/"


def run_input(run_id: str, file_name: str) -> str:
    """Return where a run keeps its upload; raises ValueError for a name such as '..'."""
    return f"{run_prefix(run_id)}input/{_safe_name(PurePosixPath(file_name).name, 'file name')}"


def run_products(run_id: str) -> str:
    return f"{run_prefix(run_id)}products.json"


def run_summary(run_id: str) -> str:
    return f"{run_prefix(run_id)}summary.json"


def run_review_index(run_id: str) -> str:
    return f"{run_prefix(run_id)}review/index.html"


def product_prefix(run_id: str, sku: str) -> str:
    return f"{run_prefix(run_id)}products/{_safe_name(sku, 'sku')}/"


def product_file(run_id: str, sku: str, name: str) -> str:
    return product_prefix(run_id, sku) + name


def product_image(run_id: str, sku: str, job_id: str, extension: str = "png") -> str:
    return product_prefix(run_id, sku) + f"images/{job_id}.{extension}"


def render_error(run_id: str, sku: str, job_id: str) -> str:
    """The error of a failed render, kept beside the image it should have been."""
    return product_prefix(run_id, sku) + f"images/{job_id}.error.json"


def product_usage_prefix(run_id: str, sku: str) -> str:
    return product_prefix(run_id, sku) + "usage/"


def rejected_original(run_id: str, file_name: str) -> str:
    """Return where a run keeps a rejected upload; raises ValueError for a name such as '..'."""
    return f"{REJECTED_PREFIX}{run_id}/{_safe_name(PurePosixPath(file_name).name, 'file name')}"


def rejected_errors(run_id: str) -> str:
    return f"{REJECTED_PREFIX}{run_id}/errors.json"


def render_claim(run_id: str, cache_key: str) -> str:
    """Return where the product of a run that renders the image of a cache key claims it, for the others to wait."""
    return f"{run_prefix(run_id)}render-claims/{cache_key}.json"


def image_cache(cache_key: str, extension: str = "png") -> str:
    return f"{CACHE_PREFIX}images/{cache_key}.{extension}"


def image_cache_flag(cache_key: str) -> str:
    """Return where the checks note that the cached image of a key failed them, so it is not used again."""
    return f"{CACHE_PREFIX}images/{cache_key}.failed.json"


# The extension that image and cache keys get for each image format a renderer returns.
IMAGE_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}


def vision_cache(cache_key: str) -> str:
    return f"{CACHE_PREFIX}vision/{cache_key}.json"


def staged_reference_photo(sku: str, path: str) -> str:
    """Return where a reference photo named by a relative path is kept: references/<sku>/<path>.

    A spec's `reference_photos` entry that is not a key in the bucket is looked
    up here, so that `front.png` in a spec names `references/<sku>/front.png`.
    Raises ValueError when the sku or the path could leave that prefix.
    """
    return f"{REFERENCES_PREFIX}{_safe_name(sku, 'sku')}/{relative_photo_path(path)}"


def relative_photo_path(path: str) -> str:
    """Return a reference photo path in its normal form (`./a//b.png` is `a/b.png`).

    Raises ValueError for a path that is absolute, climbs with '..', uses a
    backslash or contains control characters.
    """
    normal = PurePosixPath(path)
    if normal.is_absolute() or not normal.parts:
        raise ValueError(f"reference photo path {path!r} is invalid: expected a path relative to the spec file")
    for part in normal.parts:
        problem = key_segment_problem(part)
        if problem is not None:
            raise ValueError(
                f"reference photo path {path!r} is invalid because {problem}; "
                "expected a path relative to the spec file, inside its folder"
            )
    return normal.as_posix()


def _safe_name(name: str, field: str) -> str:
    """Return `name` when it is one key segment that cannot climb out of its prefix, else raise ValueError."""
    problem = key_segment_problem(name)
    if problem is not None:
        raise ValueError(f"{field} {name!r} cannot be part of a key because {problem}")
    return name
