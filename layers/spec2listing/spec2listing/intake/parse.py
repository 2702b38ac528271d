"""Dispatch an uploaded file to the reader for its format and validate what it holds."""

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from spec2listing.errors import FieldError
from spec2listing.intake.field_errors import GeneratedValue, field_errors_from_validation, format_location
from spec2listing.intake.options import ReadOptions
from spec2listing.models.spec import ProductSpec
from spec2listing.types import SKU_PATTERN


class SpecCandidate(BaseModel):
    """One product's raw fields as read from a file, before validation."""

    origin: str = Field(description="Where in the file it came from: '' for a whole file, 'row 4'.")
    data: dict[str, Any]
    locate: Callable[[tuple[int | str, ...]], str] = Field(default=format_location, exclude=True)
    generated: dict[str, GeneratedValue] = Field(
        default_factory=dict, description="Values the reader made up, by field path such as 'variants[1].sku'."
    )
    fixes: dict[str, str] = Field(
        default_factory=dict,
        description="The fix an error at a field path names, where the reader knows one the model cannot, such as "
        "the two columns a Shopify category may come from.",
    )
    merge_variants: bool = Field(
        default=False,
        description="The variants are some of the product's, so the others of its last listing are kept.",
    )
    members: list[tuple[str, dict[str, Any]]] = Field(
        default_factory=list,
        description="The source objects the candidate was read from (Akeneo variant products, each with its "
        "origin), so that a later document can rebuild the product with them.",
    )


class Rejection(BaseModel):
    """A product, or a whole file, that cannot run, with every reason found.

    `sku` is kept only when it is a valid sku, because it keys the product's
    records. A product whose sku is itself invalid (empty, or too long for a
    table key) is known by its origin instead.
    """

    sku: str | None = None
    name: str | None = Field(default=None, description="The product's name, where it is valid, for the review index.")
    origin: str = Field(
        default="", description="Where the product sits ('row 4', 'products[2]'), or 'file', 'header' or 'options'."
    )
    errors: list[FieldError]

    @field_validator("sku")
    @classmethod
    def _valid_sku_only(cls, value: str | None) -> str | None:
        return value if value is not None and re.match(SKU_PATTERN, value) else None


class ParsedUpload(BaseModel):
    """Valid specs and rejections read from one file."""

    file: str
    format: str
    dialect: dict[str, str] = Field(default_factory=dict, description="Encoding, delimiter and decimal mark read.")
    specs: list[tuple[str, ProductSpec]] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)
    locators: dict[str, Callable[[tuple[int | str, ...]], str]] = Field(default_factory=dict, exclude=True)
    merge_origins: set[str] = Field(
        default_factory=set, description="Origins of specs whose variants are merged into the last listing's."
    )
    dropped_variants: dict[str, list[str]] = Field(
        default_factory=dict, description="Variant SKUs to take out of a product's last listing, by product SKU."
    )
    members: dict[str, list[tuple[str, dict[str, Any]]]] = Field(
        default_factory=dict, description="Source objects of the specs whose variants are merged, by origin."
    )

    def locate(self, origin: str, location: tuple[int | str, ...]) -> str:
        """Name where a field of the spec read at `origin` sits in the file, as its validation errors do."""
        return self.locators.get(origin, format_location)(location)


class ReadResult(BaseModel):
    """What a format reader found: candidates to validate and problems already known."""

    format: str = "unknown"
    dialect: dict[str, str] = Field(default_factory=dict)
    candidates: list[SpecCandidate] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)
    dropped_variants: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Variant SKUs to take out of a product's last listing, by product SKU: the document disables them.",
    )

    def add(self, found: SpecCandidate | Rejection) -> None:
        if isinstance(found, Rejection):
            self.rejections.append(found)
        else:
            self.candidates.append(found)


Reader = Callable[[str, bytes, ReadOptions], ReadResult]


def _readers() -> dict[str, Reader]:
    """Readers by file suffix; imported here because every reader module imports this one."""
    from spec2listing.intake.formats import read_csv_upload, read_json_upload, read_jsonl_upload

    return {
        ".json": read_json_upload,
        ".jsonl": read_jsonl_upload,
        ".ndjson": read_jsonl_upload,
        ".csv": read_csv_upload,
        ".tsv": read_csv_upload,
    }


def supported_suffixes() -> list[str]:
    return sorted(_readers())


def file_rejection(
    file: str,
    path: str,
    message: str,
    expected: str,
    value: str | None = None,
    *,
    origin: str = "file",
    sku: str | None = None,
) -> Rejection:
    """Build the rejection of a whole file, or of the one entry at `origin` ('line 2') that cannot be read.

    `sku` names the product the entry is, where it is known.
    """
    error = FieldError(file=file, path=path, value=value, message=message, expected=expected)
    return Rejection(sku=sku, origin=origin, errors=[error])


def parse_upload(file: str, data: bytes, options: ReadOptions | None = None) -> ParsedUpload:
    """Read one uploaded file and validate every product in it.

    One bad product becomes a rejection and never hides the valid ones.
    """
    options = options or ReadOptions()
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

    found = readers[suffix](file, data, options)
    upload = ParsedUpload(
        file=file,
        format=found.format,
        dialect=found.dialect,
        rejections=list(found.rejections),
        dropped_variants=found.dropped_variants,
    )
    for candidate in found.candidates:
        try:
            spec = ProductSpec.model_validate(candidate.data)
        except ValidationError as error:
            sku = candidate.data.get("sku")
            name = candidate.data.get("name")
            name_valid = not any(problem["loc"][:1] == ("name",) for problem in error.errors())
            upload.rejections.append(
                Rejection(
                    sku=sku if isinstance(sku, str) else None,
                    name=name.strip() if isinstance(name, str) and name.strip() and name_valid else None,
                    origin=candidate.origin,
                    errors=_distinct(
                        field_errors_from_validation(
                            file, error, candidate.locate, candidate.generated, fixes=candidate.fixes
                        )
                    ),
                )
            )
            continue
        upload.specs.append((candidate.origin, spec))
        upload.locators[candidate.origin] = candidate.locate
        if candidate.merge_variants:
            upload.merge_origins.add(candidate.origin)
        if candidate.members:
            upload.members[candidate.origin] = candidate.members
    if not upload.specs and not upload.rejections:
        upload.rejections.append(
            file_rejection(file, "(file)", "the file holds no products", "at least one product spec")
        )
    return upload


def _distinct(errors: list[FieldError]) -> list[FieldError]:
    """Drop repeated errors, such as those of an Akeneo product's sku and its variant's, read from one place."""
    seen: set[tuple[str, str, str | None, str]] = set()
    distinct = []
    for error in errors:
        key = (error.path, error.message, error.value, error.expected)
        if key not in seen:
            seen.add(key)
            distinct.append(error)
    return distinct
