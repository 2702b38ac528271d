"""A validated product as the pipeline stores it for its steps."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from spec2listing.models.brand import BrandGuide
from spec2listing.models.spec import ProductSpec


class BaseListing(BaseModel):
    """The SKU's last completed listing, which a changed spec is compared with."""

    run_id: str
    spec_hash: str
    spec_key: str
    copy_key: str | None = None
    copy_size: int | None = Field(
        default=None, description="Bytes of copy.json as that listing's run wrote it; None when not recorded."
    )
    report_key: str | None = Field(default=None, description="consistency.json of that listing.")
    changed_fields: list[str] = Field(default_factory=list)


class NormalizedProduct(BaseModel):
    """The spec with its brand guide resolved, and where it came from."""

    spec: ProductSpec
    brand: BrandGuide | None = None
    spec_hash: str
    source_file: str
    origin: str = ""
    base: BaseListing | None = None
    source_members: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The Akeneo variant products the spec was built from, when its variants are merged: a "
        "later document about some of them rebuilds the spec from these and its own.",
    )
    kept_variants: list[str] = Field(
        default_factory=list,
        description="Variant SKUs taken over from the SKU's last listing, because the document carried only "
        "some of the product's variants.",
    )
    generation: dict[str, str] = Field(
        default_factory=dict,
        description="Which copywriter, renderer and vision checker, with their models and image settings, "
        "this run generates with.",
    )
    reference_photo_etags: dict[str, str] = Field(
        default_factory=dict,
        description="The ETag of each reference photo by its entry in the spec, as intake found the photo.",
    )
    changed_at: datetime | None = Field(
        default=None, description="The time of the event that brought this spec, which orders the SKU's outcomes."
    )
    rebuilt_because: str | None = Field(
        default=None,
        description="Why the SKU's listing of this same spec could not be kept whole, such as a missing image; "
        "the product is then made again, from the caches where it can be.",
    )


# Fields of an Akeneo product that change with every save or fetch and describe nothing about the product.
_VOLATILE_MEMBER_FIELDS = frozenset({"created", "updated", "_links", "metadata"})


def content_hash(
    spec: ProductSpec,
    brand: BrandGuide | None,
    generation: Mapping[str, str] | None = None,
    photo_etags: Mapping[str, str] | None = None,
    members: Sequence[Mapping[str, Any]] = (),
) -> str:
    """SHA-256 over the canonical JSON of spec, brand guide, generation settings, photo ETags and members.

    Equal inputs give equal hashes. The generation settings are part of it, so a
    listing made offline or with another model is not kept as if it were current.
    The spec names each reference photo by its path only, so the photos' ETags
    are part of it too, and a photo replaced under the same path is a change.
    The Akeneo variant products a spec was merged from (`members`) are part of it,
    without their timestamps and links. A variant product can change while the spec
    stays the same (a price above the lowest one), and a later event about the
    model rebuilds the spec from the stored products, so they must be current.
    A spec without photos or members leaves them out, which keeps its hash as it
    was before they were added.
    """
    document: dict[str, Any] = {
        "spec": spec.model_dump(mode="json"),
        "brand": brand.model_dump(mode="json") if brand else None,
        "generation": dict(generation or {}),
    }
    if photo_etags:
        document["reference_photo_etags"] = dict(photo_etags)
    if members:
        document["source_members"] = [
            {name: value for name, value in member.items() if name not in _VOLATILE_MEMBER_FIELDS} for member in members
        ]
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
