"""Merging the variants of a partial document into the SKU's last listing, on in-memory storage."""

from spec2listing.errors import FieldError
from spec2listing.models.product import NormalizedProduct
from spec2listing.models.records import ProductRecord, ProductStatus
from spec2listing.models.spec import MAX_VARIANTS, ProductSpec
from spec2listing.pipeline.variants import merge_listed_variants
from spec2listing.storage.objects import put_json

SPEC_KEY = "runs/r1/products/MUG/spec.json"


def _spec(*colours: str) -> ProductSpec:
    return ProductSpec.model_validate(
        {
            "sku": "MUG",
            "name": "Mug",
            "brand": "Acme",
            "category": "Kitchen > Mugs",
            "price": {"amount": 12, "currency": "EUR"},
            "variants": [{"sku": f"MUG-{colour}", "color": colour, "color_hex": "#336699"} for colour in colours],
        }
    )


def _listing(store, spec: ProductSpec) -> ProductRecord:
    put_json(store, SPEC_KEY, NormalizedProduct(spec=spec, spec_hash="h1", source_file="page.json").model_dump())
    return ProductRecord(sku="MUG", run_id="r1", status=ProductStatus.COMPLETE, artifacts={"spec": SPEC_KEY})


def test_given_variant_replaced_in_place(store) -> None:
    listing = _listing(store, _spec("Sea", "Slate", "Oat"))
    update = _spec("Slate").model_copy(update={"name": "Mug 2"})

    merged, kept = merge_listed_variants(update, listing, store=store, file="event.json")

    assert [variant.sku for variant in merged.variants] == ["MUG-Sea", "MUG-Slate", "MUG-Oat"]
    assert kept == ["MUG-Sea", "MUG-Oat"]
    assert merged.name == "Mug 2"


def test_without_listing_spec_unchanged(store) -> None:
    update = _spec("Slate")
    assert merge_listed_variants(update, None, store=store, file="event.json") == (update, [])
    missing = ProductRecord(sku="MUG", run_id="r1", status=ProductStatus.COMPLETE, artifacts={"spec": "missing.json"})
    assert merge_listed_variants(update, missing, store=store, file="event.json") == (update, [])


def test_merge_over_variant_limit_rejected(store) -> None:
    listing = _listing(store, _spec(*(f"C{index}" for index in range(MAX_VARIANTS))))

    errors = merge_listed_variants(_spec("New"), listing, store=store, file="event.json")

    assert isinstance(errors, list)
    (error,) = errors
    assert isinstance(error, FieldError)
    assert error.file == "event.json"
    assert error.path == "variants"
    assert "variants=replace" in error.expected
