"""Dispatch an uploaded file to the reader for its format and validate what it holds."""

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from spec2listing.errors import FieldError
from spec2listing.intake.field_errors import field_errors_from_validation, format_location
from spec2listing.models.spec import ProductSpec


class SpecCandidate(BaseModel):
    """One product's raw fields as read from a file, before validation."""

    origin: str = Field(description="Where in the file it came from: '' for a whole file, 'row 4'.")
    data: dict[str, Any]
    locate: Callable[[tuple[int | str, ...]], str] = Field(default=format_location, exclude=True)


class Rejection(BaseModel):
    """A product, or a whole file, that cannot run, with every reason found."""

    sku: str | None = None
    origin: str = ""
    errors: list[FieldError]


class ParsedUpload(BaseModel):
    """Valid specs and rejections read from one file."""

    file: str
    format: str
    specs: list[tuple[str, ProductSpec]] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)


class ReadResult(BaseModel):
    """What a format reader found: candidates to validate and problems already known."""

    candidates: list[SpecCandidate] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)


Reader = Callable[[str, bytes], ReadResult]


def _readers() -> dict[str, tuple[str, Reader]]:
    from spec2listing.intake.csv_catalog import read_csv_catalog
    from spec2listing.intake.json_spec import read_json_specs

    return {
        ".json": ("json", read_json_specs),
        ".csv": ("csv", read_csv_catalog),
    }


def supported_suffixes() -> list[str]:
    return sorted(_readers())


def file_rejection(file: str, path: str, message: str, expected: str, value: str | None = None) -> Rejection:
    """Build the rejection of a whole file."""
    error = FieldError(file=file, path=path, value=value, message=message, expected=expected)
    return Rejection(origin="(file)", errors=[error])


def parse_upload(file: str, data: bytes) -> ParsedUpload:
    """Read one uploaded file and validate every product in it.

    One bad product becomes a rejection and never hides the valid ones.
    """
    suffix = PurePosixPath(file).suffix.lower()
    readers = _readers()
    if suffix not in readers:
        rejection = file_rejection(
            file,
            "(file name)",
            f"unsupported file type {suffix or '(none)'!r}",
            "one of " + ", ".join(supported_suffixes()),
        )
        return ParsedUpload(file=file, format="unknown", rejections=[rejection])

    format_name, reader = readers[suffix]
    found = reader(file, data)
    upload = ParsedUpload(file=file, format=format_name, rejections=list(found.rejections))
    for candidate in found.candidates:
        try:
            spec = ProductSpec.model_validate(candidate.data)
        except ValidationError as error:
            sku = candidate.data.get("sku")
            upload.rejections.append(
                Rejection(
                    sku=sku if isinstance(sku, str) else None,
                    origin=candidate.origin,
                    errors=field_errors_from_validation(file, error, candidate.locate),
                )
            )
            continue
        upload.specs.append((candidate.origin, spec))
    if not upload.specs and not upload.rejections:
        upload.rejections.append(
            file_rejection(file, "(file)", "the file holds no products", "at least one product spec")
        )
    return upload
