"""Variants that update a listing: a PIM document that carries only some variants of a product.

Akeneo sends a product model's variants as separate variant products, and an
event or a page may carry only some of them. Their spec then keeps the other
variants of the SKU's last listing: a variant given again replaces its old
entry in place, a new one is added at the end, and the rest stay as they were.
A variant product the document disables is taken out of the listing, also when
the document carries no enabled variant of the model.

NOTE: the merge reads the last completed listing at intake. Two documents about
new variants of one model that run at the same time each merge into the same
listing, so the one that finishes last lacks the other's new variant until a
later document about the model runs.
"""

from collections.abc import Collection

from pydantic import ValidationError

from spec2listing.errors import ArtifactMissing, FieldError
from spec2listing.intake.field_errors import field_errors_from_validation
from spec2listing.models.product import NormalizedProduct
from spec2listing.models.records import ProductRecord
from spec2listing.models.spec import ProductSpec
from spec2listing.storage.objects import ObjectStore, get_json


def listed_spec(listing: ProductRecord | None, store: ObjectStore) -> ProductSpec | None:
    """Read the spec of a SKU's last listing; None without a listing or when its spec is gone."""
    if listing is None or "spec" not in listing.artifacts:
        return None
    try:
        return NormalizedProduct.model_validate(get_json(store, listing.artifacts["spec"])).spec
    except (ArtifactMissing, ValidationError):
        return None


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

    given = {variant.sku: variant for variant in spec.variants}
    listed = {variant.sku for variant in earlier.variants}
    kept = [variant.sku for variant in earlier.variants if variant.sku not in given and variant.sku not in dropped]
    removed = [variant.sku for variant in earlier.variants if variant.sku in dropped and variant.sku not in given]
    if not kept and not removed:
        return spec, []
    variants = [given.get(variant.sku, variant) for variant in earlier.variants if variant.sku not in removed]
    variants += [variant for variant in spec.variants if variant.sku not in listed]
    data = spec.model_dump(mode="json", exclude_unset=True)
    data["variants"] = [variant.model_dump(mode="json", exclude_unset=True) for variant in variants]
    try:
        merged = ProductSpec.model_validate(data)
    except ValidationError as error:
        errors = field_errors_from_validation(file, error)
        hint = f"the variants with those of run {listing.run_id}'s listing ({', '.join(kept)} kept); "
        hint += "send all of the model's variant products with option variants=replace"
        return [error.model_copy(update={"expected": f"{error.expected}; merging {hint}"}) for error in errors]
    return merged, kept


def without_variants(spec: ProductSpec, dropped: Collection[str]) -> ProductSpec | None:
    """Return the listed spec less the dropped variants; None when it has none of them."""
    remaining = [variant for variant in spec.variants if variant.sku not in dropped]
    if len(remaining) == len(spec.variants):
        return None
    data = spec.model_dump(mode="json", exclude_unset=True)
    data["variants"] = [variant.model_dump(mode="json", exclude_unset=True) for variant in remaining]
    return ProductSpec.model_validate(data)
