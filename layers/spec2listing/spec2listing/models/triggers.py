"""The events that start a run: an S3 upload under incoming/ or a PIM's ProductSpecChanged."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from spec2listing.types import FileName

S3_OBJECT_CREATED = "Object Created"
PRODUCT_SPEC_CHANGED = "ProductSpecChanged"


class S3Bucket(BaseModel):
    name: str


class S3Object(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str = Field(min_length=1, description="The object key as the event carries it: URL-encoded by S3.")
    size: int | None = None
    etag: str | None = None
    version_id: str | None = Field(default=None, alias="version-id")
    sequencer: str | None = None


class S3ObjectCreatedDetail(BaseModel):
    model_config = ConfigDict(extra="ignore")

    bucket: S3Bucket
    object: S3Object


class SpecPointer(BaseModel):
    """An S3 location of a spec file in the application's bucket."""

    model_config = ConfigDict(extra="forbid")

    bucket: str | None = None
    key: str = Field(min_length=1)
    version_id: str | None = Field(
        default=None, min_length=1, description="One version of the object; the latest if none."
    )


class ProductSpecChangedDetail(BaseModel):
    """A PIM's notice that a product changed: the spec inline, or a pointer to it."""

    model_config = ConfigDict(extra="forbid")

    source_system: str = Field(default="pim", pattern=r"^[A-Za-z0-9._-]{1,64}$")
    spec: dict[str, Any] | list[Any] | None = None
    spec_s3: SpecPointer | None = None
    file_name: FileName | None = None
    options: dict[str, Any] = Field(
        default_factory=dict, description="Reader options such as format, locale, channel and currency."
    )

    @field_validator("spec", mode="before")
    @classmethod
    def _document(cls, value: object) -> object:
        if value is None or isinstance(value, dict | list):
            return value
        if isinstance(value, str):
            kind = "text"
        elif isinstance(value, bool):
            kind = "a boolean"
        else:
            kind = "a number"
        raise ValueError(
            f"the spec is {kind}, not a JSON object or list; send the document itself as detail.spec, "
            "or upload the file and point at it with detail.spec_s3"
        )

    @model_validator(mode="after")
    def _one_source(self) -> "ProductSpecChangedDetail":
        if (self.spec is None) == (self.spec_s3 is None):
            given = "both" if self.spec is not None else "neither"
            raise ValueError(
                f"the event gives {given} of detail.spec and detail.spec_s3; expected exactly one: the spec inline "
                "in detail.spec, or its bucket and key in detail.spec_s3"
            )
        return self


class TriggerEvent(BaseModel):
    """The EventBridge envelope around either trigger."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str
    source: str
    detail_type: Literal["Object Created", "ProductSpecChanged"] = Field(alias="detail-type")
    detail: dict[str, Any]
    time: datetime | None = Field(
        default=None, description="When the change happened, as the sender (S3 or the PIM) stamped the event."
    )

    def s3_object(self) -> S3ObjectCreatedDetail:
        """Read the S3 detail; the key stays as sent, and Intake decodes it once against the bucket."""
        return S3ObjectCreatedDetail.model_validate(self.detail)

    def spec_changed(self) -> ProductSpecChangedDetail:
        return ProductSpecChangedDetail.model_validate(self.detail)

    def delivery_identity(self) -> str:
        """What two deliveries of the same trigger share, and two different triggers never do.

        EventBridge delivers at least once and keeps the event id on a retry.
        S3 may also emit a second event, with a new id, for one upload. The
        object's version id, or its sequencer in an unversioned bucket, names
        the upload itself.
        """
        if self.detail_type == S3_OBJECT_CREATED:
            try:
                created = self.s3_object()
            except ValidationError:
                # An invalid detail names no upload; Intake reads it again and rejects it, field by field.
                return f"event {self.source} {self.id}"
            upload = created.object.version_id or created.object.sequencer
            if upload:
                return f"s3://{created.bucket.name}/{created.object.key}#{upload}"
        return f"event {self.source} {self.id}"
