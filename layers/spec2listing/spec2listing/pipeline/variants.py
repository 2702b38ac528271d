"""Variants that update a listing: a PIM document that carries only some variants of a product.

Akeneo sends a product model's variants as separate variant products, and an
event or a page may carry only some of them. The model is then read again from
the variant products of the document and of its last listing (stored with it),
so product-level values such as the lowest price cover all of them. A listing
stored without its variant products is merged by variant instead: a variant
given again replaces its old entry in place, a new one is added at the end,
and the rest stay as they were.
A variant product the document disables is taken out of the listing, also when
the document carries no enabled variant of the model.

NOTE: the merge reads the last completed listing at intake. Two documents about
new variants of one model that run at the same time each merge into the same
listing, so the one that finishes last lacks the other's new variant until a
later document about the model runs.
"""

from collections.abc import Collection
from datetime import datetime
from typing import Any, NamedTuple

from pydantic import ValidationError

from spec2listing.errors import ArtifactMissing, ArtifactUnreadable, FieldError
from spec2listing.intake.akeneo import identifier_of, read_akeneo
from spec2listing.intake.field_errors import field_errors_from_validation
from spec2listing.intake.options import ReadOptions
from spec2listing.intake.parse import ParsedUpload, Rejection
from spec2listing.models.product import NormalizedProduct
from spec2listing.models.records import ProductRecord
from spec2listing.models.spec import ProductSpec, Variant
from spec2listing.storage.objects import ObjectStore, get_json
from spec2listing.storage.records import RecordStore

# How to send a model whose variant products cannot be merged into its last listing.
REPLACE_ALL = "all of the model's variant products in one file with option variants=replace"


def listed_product(listing: ProductRecord | None, store: ObjectStore) -> NormalizedProduct | None:
    """Read the stored product of a SKU's last listing; None without a listing or when it is gone."""
    if listing is None or "spec" not in listing.artifacts:
        return None
    try:
        return NormalizedProduct.model_validate(get_json(store, listing.artifacts["spec"]))
    except (ArtifactMissing, ArtifactUnreadable, ValidationError):
        return None


def listed_spec(listing: ProductRecord | None, store: ObjectStore) -> ProductSpec | None:
    """Read the spec of a SKU's last listing; None without a listing or when its spec is gone."""
    product = listed_product(listing, store)
    return product.spec if product else None


class Rebuilt(NamedTuple):
    """A model's spec read again from its variant products: the document's and the last listing's."""

    spec: ProductSpec
    members: list[dict[str, Any]]
    kept_skus: list[str]


def rebuild_from_members(
    sku: str,
    members: list[tuple[str, dict[str, Any]]],
    earlier: NormalizedProduct | None,
    *,
    dropped: Collection[str],
    options: ReadOptions,
    file: str,
) -> Rebuilt | list[FieldError] | None:
    """Read the model again from the variant products of the document and of its last listing.

    The last listing's variant products keep their order, each replaced in place
    by the document's product with the same identifier, and the document's new
    ones follow. So product-level values are read from the model's first variant
    product as for a whole page, and a document that repeats a product unchanged
    gives the same spec. Variant products in `dropped` are left out, and with all
    of them left out no variants remain. Returns None when the last listing has
    no stored variant products to rebuild from.
    """
    if earlier is None or not earlier.source_members:
        return None
    document_items = {identifier_of(item): (origin, item) for origin, item in members}
    combined: list[tuple[str, dict[str, Any]]] = []
    kept_skus = []
    for item in earlier.source_members:
        identifier = identifier_of(item)
        if identifier in dropped and identifier not in document_items:
            continue
        if identifier in document_items:
            combined.append(document_items.pop(identifier))
        else:
            combined.append((f"last listing, product {identifier}", item))
            kept_skus.append(identifier)
    combined += list(document_items.values())
    if not combined:
        # Every variant product is disabled: the listing keeps its product values and has no variants left.
        return Rebuilt(spec=_with_variants(earlier.spec, []), members=[], kept_skus=[])

    listed_colors = {variant.color.casefold(): variant.color_hex for variant in earlier.spec.variants}
    found = read_akeneo(file, combined, options, "akeneo", listed_colors=listed_colors)
    errors = [error for rejection in found.rejections for error in rejection.errors]
    candidates = [candidate for candidate in found.candidates if candidate.data.get("sku") == sku]
    if errors or len(candidates) != 1:
        return errors or [
            FieldError(
                file=file,
                path="parent",
                value=sku,
                message="the variant products of the model and of its last listing do not form one product",
                expected="variant products that share one parent; send all of them with option variants=replace",
            )
        ]
    try:
        spec = ProductSpec.model_validate(candidates[0].data)
    except ValidationError as error:
        return field_errors_from_validation(file, error, candidates[0].locate)
    return Rebuilt(spec=spec, members=[item for _, item in combined], kept_skus=kept_skus)


def merge_listed_variants(
    spec: ProductSpec,
    listing: ProductRecord | None,
    *,
    store: ObjectStore,
    file: str,
    dropped: Collection[str] = (),
) -> tuple[ProductSpec, list[str]] | list[FieldError]:
    """Return the spec with the last listing's other variants, and the SKUs of those kept variants.

    Variants in `dropped` (disabled in the document) are not kept. Without a
    last listing, or when its spec is gone, the spec is returned as it is.
    Returns field errors when the merged variants do not form a valid spec
    (more variants than a spec may have, a variant SKU equal to the product's).
    """
    earlier = listed_spec(listing, store)
    if earlier is None or listing is None:
        return spec, []

    document_variants = {variant.sku: variant for variant in spec.variants}
    listed = {variant.sku for variant in earlier.variants}
    kept_skus = [
        variant.sku
        for variant in earlier.variants
        if variant.sku not in document_variants and variant.sku not in dropped
    ]
    removed = [
        variant.sku for variant in earlier.variants if variant.sku in dropped and variant.sku not in document_variants
    ]
    if not kept_skus and not removed:
        return spec, []
    variants = [
        document_variants.get(variant.sku, variant) for variant in earlier.variants if variant.sku not in removed
    ]
    variants += [variant for variant in spec.variants if variant.sku not in listed]
    try:
        merged = _with_variants(spec, variants)
    except ValidationError as error:
        errors = field_errors_from_validation(file, error)
        hint = f"the variants with those of run {listing.run_id}'s listing ({', '.join(kept_skus)} kept); "
        hint += "send all of the model's variant products with option variants=replace"
        return [error.model_copy(update={"expected": f"{error.expected}; merging {hint}"}) for error in errors]
    return merged, kept_skus


def without_variants(spec: ProductSpec, dropped: Collection[str]) -> ProductSpec | None:
    """Return the listed spec less the dropped variants; None when it has none of them."""
    remaining = [variant for variant in spec.variants if variant.sku not in dropped]
    if len(remaining) == len(spec.variants):
        return None
    return _with_variants(spec, remaining)


def _with_variants(spec: ProductSpec, variants: list[Variant]) -> ProductSpec:
    """Validate the spec again with other variants, so that the spec's limits on them still hold."""
    data = spec.model_dump(mode="json", exclude_unset=True)
    data["variants"] = [variant.model_dump(mode="json", exclude_unset=True) for variant in variants]
    return ProductSpec.model_validate(data)


class DocumentSpec(NamedTuple):
    """A spec to run, after merging: where it came from, which variants it kept and the products it came from."""

    origin: str
    spec: ProductSpec
    kept_skus: list[str]
    members: list[dict[str, Any]]


def resolve_variant_merges(
    parsed: ParsedUpload,
    *,
    store: ObjectStore,
    records: RecordStore,
    options: ReadOptions,
    file: str,
    changed_at: datetime | None = None,
) -> tuple[list[DocumentSpec], list[Rejection]]:
    """Merge the document's partial models into their last listings, and drop the variants it disables.

    Specs whose variants are not merged come back as they are. A model that the
    document only disables variants of runs again as its last listing without them.
    A document older than the listing it would merge into (`changed_at`, its
    event's time) is rejected: merging it could undo a later change, and
    keeping the listing would silently drop what the document adds.
    """
    merging = [spec.sku for origin, spec in parsed.specs if origin in parsed.merge_origins]
    merging += [sku for sku in parsed.dropped_variants if sku not in merging]
    listings = records.get_listings(merging) if merging else {}
    results: list[DocumentSpec] = []
    rejections: list[Rejection] = []
    read = set()
    for origin, spec in parsed.specs:
        read.add(spec.sku)
        members = parsed.members.get(origin, [])
        if origin not in parsed.merge_origins:
            # Kept with the listing, so that a later document merges into all of them.
            results.append(DocumentSpec(origin, spec, [], [item for _, item in members]))
            continue
        dropped = parsed.dropped_variants.get(spec.sku, [])
        listing = listings.get(spec.sku)
        earlier = listed_product(listing, store)
        unmergeable = _unmergeable(file, listing, earlier, changed_at)
        if unmergeable is not None:
            rejections.append(Rejection(sku=spec.sku, name=spec.name, origin=origin, errors=[unmergeable]))
            continue
        rebuilt = rebuild_from_members(spec.sku, members, earlier, dropped=dropped, options=options, file=file)
        if rebuilt is None:
            rebuilt = _merged_variants(spec, listing, members, store=store, file=file, dropped=dropped)
        if isinstance(rebuilt, list):
            rejections.append(Rejection(sku=spec.sku, name=spec.name, origin=origin, errors=rebuilt))
        else:
            results.append(DocumentSpec(origin, rebuilt.spec, rebuilt.kept_skus, rebuilt.members))

    for sku, dropped in parsed.dropped_variants.items():
        listing = listings.get(sku)
        earlier = listed_product(listing, store)
        if sku in read or listing is None:
            continue
        origin = f"model {sku} (disabled {', '.join(dropped)})"
        if earlier is not None and not set(dropped) & _listed_identifiers(earlier):
            continue
        unmergeable = _unmergeable(file, listing, earlier, changed_at)
        if unmergeable is not None or earlier is None:
            # _unmergeable reports a listing whose spec cannot be read.
            rejections += [Rejection(sku=sku, origin=origin, errors=[unmergeable])] if unmergeable else []
            continue
        rebuilt = rebuild_from_members(sku, [], earlier, dropped=dropped, options=options, file=file)
        if isinstance(rebuilt, list):
            rejections.append(Rejection(sku=sku, origin=origin, errors=rebuilt))
        elif rebuilt is not None:
            results.append(DocumentSpec(origin, rebuilt.spec, rebuilt.kept_skus, rebuilt.members))
        else:
            remaining = without_variants(earlier.spec, dropped)
            if remaining is not None:
                results.append(DocumentSpec(origin, remaining, [variant.sku for variant in remaining.variants], []))
    return results, rejections


def _listed_identifiers(earlier: NormalizedProduct) -> set[str]:
    """Name the listing's variant SKUs and variant products; sizes of one colour share a SKU of its own."""
    return {variant.sku for variant in earlier.spec.variants} | {identifier_of(item) for item in earlier.source_members}


def _unmergeable(
    file: str, listing: ProductRecord | None, earlier: NormalizedProduct | None, changed_at: datetime | None
) -> FieldError | None:
    """Say why a document's variant products cannot be merged into the model's last listing, if they cannot.

    Its spec must be readable, or the merge would lose the listing's other
    variants, and the document must not be older than the listing.
    """
    if listing is None:
        return None
    if earlier is None:
        return FieldError(
            file=file,
            path="parent",
            value=listing.sku,
            message=f"the model's last listing (run {listing.run_id}) cannot be read, so these variant products "
            "cannot be merged into it",
            expected=REPLACE_ALL,
        )
    if listing.changed_at is not None and changed_at is not None and listing.changed_at > changed_at:
        return FieldError(
            file=file,
            path="(event time)",
            value=changed_at.isoformat(),
            message=f"the document is older than the model's last listing (run {listing.run_id}, changed "
            f"{listing.changed_at.isoformat()}), and merging it could undo that later change",
            expected=f"the document sent again, or {REPLACE_ALL}",
        )
    return None


def _merged_variants(
    spec: ProductSpec,
    listing: ProductRecord | None,
    members: list[tuple[str, dict[str, Any]]],
    *,
    store: ObjectStore,
    file: str,
    dropped: Collection[str],
) -> Rebuilt | list[FieldError]:
    """Merge by variant when the last listing has no stored variant products (or there is none)."""
    merged = merge_listed_variants(spec, listing, store=store, file=file, dropped=dropped)
    if isinstance(merged, list):
        return merged
    return Rebuilt(spec=merged[0], members=[item for _, item in members], kept_skus=merged[1])
