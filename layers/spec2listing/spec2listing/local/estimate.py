"""`spec2listing estimate`: the calls and cost a live run of some files would make, with no call made."""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from spec2listing.costs import PriceTable
from spec2listing.costs.estimate import RunEstimate, estimate_product
from spec2listing.costs.tokens import REFERENCE_PHOTO_INPUT_TOKENS
from spec2listing.errors import FieldError
from spec2listing.intake import parse_upload
from spec2listing.intake.options import ReadOptions
from spec2listing.local.terminal import shown
from spec2listing.models.spec import ProductSpec
from spec2listing.pipeline.intake import brand_loader, resolve_brand, shared_sku_rejections
from spec2listing.settings import ImageSettings, ProviderSettings
from spec2listing.storage import keys
from spec2listing.storage.objects import MemoryObjectStore


def estimate_files(
    files: list[Path], brand_folders: list[Path], *, prices: PriceTable, options: ReadOptions | None = None
) -> tuple[RunEstimate, list[FieldError]]:
    """Estimate every valid product of the files; return the field errors of the invalid ones beside it."""
    providers = ProviderSettings()
    images = ImageSettings()
    brands = MemoryObjectStore("estimate")
    for folder in brand_folders:
        for path in sorted(folder.glob("*.json")):
            brands.put_bytes(keys.brand_guide(path.stem), path.read_bytes(), "application/json")

    estimate = RunEstimate(
        prices_as_of=prices.as_of.isoformat(),
        unpriced_models=prices.missing(
            text_models=sorted({providers.text_model, providers.vision_model}), image_models=[providers.image_model]
        ),
    )
    errors: list[FieldError] = []
    for path in files:
        upload = parse_upload(path.name, path.read_bytes(), options)
        errors += [error for rejection in upload.rejections for error in rejection.errors]
        load = brand_loader(brands, path.name)
        # Intake rejects products that share a variant sku, or whose skus differ only in case, and so does this.
        first = {spec.sku: (origin, spec) for origin, spec in reversed(upload.specs)}
        shared = shared_sku_rejections(path.name, upload, first)
        errors += [error for rejection in shared for error in rejection.errors]
        rejected = {rejection.sku for rejection in shared}
        for origin, spec in upload.specs:
            if spec.sku in rejected:
                continue
            brand = resolve_brand(spec, load)
            if isinstance(brand, FieldError):
                errors.append(_brand_error(brand, upload.locate(origin, ("brand_guide",)), spec, brands))
                continue
            estimate.products.append(
                estimate_product(
                    spec,
                    brand,
                    prices=prices,
                    text_model=providers.text_model,
                    vision_model=providers.vision_model,
                    image_model=providers.image_model,
                    size=images.image_size,
                    lifestyle_size=images.lifestyle_image_size,
                    quality=images.image_quality,
                )
            )
    return estimate, errors


def _brand_error(error: FieldError, path: str, spec: ProductSpec, brands: MemoryObjectStore) -> FieldError:
    """Place a brand guide error on the spec's field; a missing guide is named as a file, since no bucket is read."""
    located = error.model_copy(update={"path": path})
    if spec.brand_guide is None or brands.exists(keys.brand_guide(spec.brand_guide)):
        return located
    return located.model_copy(
        update={
            "message": f"brand guide {spec.brand_guide}.json not found in the brand guide folders",
            "expected": f"{spec.brand_guide}.json in a brands/ folder beside the spec files or in a --brands "
            "folder, or an inline brand_voice instead",
        }
    )


def print_estimate(console: Console, estimate: RunEstimate, errors: list[FieldError]) -> None:
    if estimate.products:
        _print_products(console, estimate)
    for error in errors:
        console.print(f"[red]rejected[/] {shown(str(error))}")


def _print_products(console: Console, estimate: RunEstimate) -> None:
    table = Table(title=f"estimated live-provider cost (prices as of {estimate.prices_as_of})")
    for column in ("sku", "copy calls", "images", "vision calls", "tokens in/out/thinking", "cost USD"):
        table.add_column(column, justify="left" if column == "sku" else "right")
    for product in estimate.products:
        steps = {step.step: step for step in product.steps}
        table.add_row(
            shown(product.sku),
            str(steps["copy"].calls),
            str(steps["render"].images),
            str(steps["vision"].calls),
            "/".join(
                str(sum(getattr(step, field) for step in product.steps))
                for field in ("input_tokens", "output_tokens", "thinking_tokens")
            ),
            f"{product.cost_usd:.4f}",
        )
    console.print(table)
    for step in estimate.totals().values():
        console.print(
            f"{step.step}: {_counted(step.calls, 'call')} to {shown(step.model)}"
            + (f", {_counted(step.images, 'image')}" if step.images else "")
            + f", {step.cost_usd:.4f} USD"
        )
    console.print(
        f"total: {_counted(len(estimate.products), 'product')}, {estimate.cost_usd:.4f} USD "
        "(token counts are estimates)"
    )
    render = estimate.totals().get("render")
    if render is not None and render.edits:
        console.print(
            f"{_counted(render.edits, 'image call')} {'edits' if render.edits == 1 else 'edit'} reference photos; "
            "their image input is estimated at "
            f"{REFERENCE_PHOTO_INPUT_TOKENS} tokens per photo"
        )
    for model in estimate.unpriced_models:
        console.print(f"[yellow]warning:[/] no price for {shown(model)} in the price table; its calls count as 0 USD")


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
