"""The spec2listing command line: run the pipeline locally on spec files."""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from spec2listing.costs import load_prices
from spec2listing.intake.options import read_options
from spec2listing.intake.parse import supported_suffixes
from spec2listing.local.estimate import estimate_files, print_estimate
from spec2listing.local.runtime import LocalPipeline, RunOutcome
from spec2listing.providers.select import missing_keys
from spec2listing.settings import ProviderSettings

DEFAULT_OUT = Path("out")
FAILING_STATUSES = {"REJECTED", "FAILED"}
PIPED_WIDTH = 160


def spec_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Expand folders to the spec files directly inside them; also return brand guide folders found."""
    files: list[Path] = []
    brand_folders: list[Path] = []
    suffixes = set(supported_suffixes())
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes))
            if (path / "brands").is_dir():
                brand_folders.append(path / "brands")
        elif path.is_file():
            files.append(path)
            if (path.parent / "brands").is_dir():
                brand_folders.append(path.parent / "brands")
        else:
            raise FileNotFoundError(f"{path} does not exist")
    return files, list(dict.fromkeys(brand_folders))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spec2listing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run spec files through the pipeline on a local AWS emulation")
    run.add_argument(
        "paths", nargs="+", type=Path, help="spec files (.json, .jsonl, .ndjson, .csv, .tsv) or folders of them"
    )
    run.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder, also the local bucket and table (default: out)"
    )
    run.add_argument(
        "--providers",
        choices=["auto", "offline", "live"],
        default=os.environ.get("PROVIDERS", "offline"),
        help="offline: built-in providers, no network; live: Gemini and OpenAI (keys required); "
        "auto: live where a key is set (default: offline, or $PROVIDERS)",
    )
    run.add_argument(
        "--brands",
        type=Path,
        action="append",
        default=[],
        help="folder of brand guides (<name>.json); a brands/ folder beside the specs is used too",
    )
    run.add_argument("--product-concurrency", type=int, help="products processed at once (template default otherwise)")
    run.add_argument("--image-concurrency", type=int, help="images rendered at once per product")
    run.add_argument("--timeout", type=float, default=None, help="give up after this many seconds")
    run.add_argument("--prices", type=Path, help="price table JSON replacing or adding models of the shipped one")
    _add_reader_options(run)

    estimate = commands.add_parser(
        "estimate", help="print the provider calls and USD cost a live run of these files would make; calls nothing"
    )
    estimate.add_argument("paths", nargs="+", type=Path, help="spec files (.json, .csv) or folders of them")
    estimate.add_argument("--brands", type=Path, action="append", default=[], help="folder of brand guides")
    estimate.add_argument("--prices", type=Path, help="price table JSON replacing or adding models of the shipped one")
    _add_reader_options(estimate)
    return parser


def _add_reader_options(command: argparse.ArgumentParser) -> None:
    reading = command.add_argument_group(
        "reader options", "how to read files whose content leaves a choice open; sent as S3 object metadata"
    )
    reading.add_argument(
        "--format", choices=["canonical", "shopify", "akeneo"], help="product format (default: detect)"
    )
    reading.add_argument("--encoding", help="text encoding of CSV files, such as cp1252 (default: detect)")
    reading.add_argument("--delimiter", help="CSV delimiter: comma, semicolon, tab or pipe (default: detect)")
    reading.add_argument("--decimal", help="decimal mark of CSV numbers: point or comma (default: detect)")
    reading.add_argument("--locale", help="Akeneo locale to read, such as en_US")
    reading.add_argument("--channel", help="Akeneo channel (scope) to read, such as ecommerce")
    reading.add_argument("--currency", help="currency of Shopify prices, or of Akeneo price collections, such as EUR")
    reading.add_argument("--attributes", help="Akeneo attribute codes per spec field, such as name=title,brand=maker")


READER_OPTIONS = ("format", "encoding", "delimiter", "decimal", "locale", "channel", "currency", "attributes")


def _reader_options(arguments: argparse.Namespace) -> dict[str, str]:
    return {name: str(getattr(arguments, name)) for name in READER_OPTIONS if getattr(arguments, name)}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    console = Console()
    if not console.is_terminal:
        # Piped output and CI logs get one wide table instead of an 80-column wrap.
        console = Console(width=PIPED_WIDTH)
    if arguments.command == "run":
        return _run(arguments, console)
    if arguments.command == "estimate":
        return _estimate(arguments, console)
    return 2


def _run(arguments: argparse.Namespace, console: Console) -> int:
    try:
        files, brand_folders = spec_files(arguments.paths)
    except FileNotFoundError as error:
        console.print(f"[red]error:[/] {error}")
        return 2
    if not files:
        console.print(f"[red]error:[/] no spec files ({', '.join(supported_suffixes())}) in the given paths")
        return 2

    environment = {"PROVIDERS": arguments.providers}
    missing = missing_keys(ProviderSettings(providers=arguments.providers))
    if missing:
        console.print(f"[red]error:[/] --providers live needs {' and '.join(missing)} set (or use auto or offline)")
        return 2
    if arguments.prices is not None:
        environment["PRICE_TABLE"] = str(arguments.prices.resolve())
    if arguments.product_concurrency is not None:
        environment["PRODUCT_CONCURRENCY"] = str(arguments.product_concurrency)
    if arguments.image_concurrency is not None:
        environment["IMAGE_CONCURRENCY"] = str(arguments.image_concurrency)

    out_dir: Path = arguments.out
    with LocalPipeline(out_dir, environment=environment) as pipeline:
        for folder in [*brand_folders, *arguments.brands]:
            pipeline.upload_brand_guides(folder)
        metadata = _reader_options(arguments)
        submissions = [pipeline.submit_file(path, metadata) for path in files]
        with Progress(
            TextColumn("[bold]products"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            bar = progress.add_task("products", total=None)

            def report(done: int, expected: int) -> None:
                progress.update(bar, completed=done, total=expected or None)

            outcomes = pipeline.wait(submissions, on_progress=report, timeout_seconds=arguments.timeout)
    _print_outcomes(console, outcomes, out_dir)
    failing = any(
        outcome.status == "FAILED"
        or outcome.rejections
        or any(product.status.value in FAILING_STATUSES for product in outcome.products)
        for outcome in outcomes
    )
    return 1 if failing else 0


def _estimate(arguments: argparse.Namespace, console: Console) -> int:
    try:
        files, brand_folders = spec_files(arguments.paths)
    except FileNotFoundError as error:
        console.print(f"[red]error:[/] {error}")
        return 2
    if not files:
        console.print(f"[red]error:[/] no spec files ({', '.join(supported_suffixes())}) in the given paths")
        return 2
    options = read_options("command line", _reader_options(arguments), ignore_unknown=False)
    if isinstance(options, list):
        for problem in options:
            console.print(f"[red]error:[/] {problem}")
        return 2
    estimate, rejections = estimate_files(
        files, [*brand_folders, *arguments.brands], prices=load_prices(arguments.prices), options=options
    )
    print_estimate(console, estimate, rejections)
    return 1 if rejections else 0


def _print_outcomes(console: Console, outcomes: list[RunOutcome], out_dir: Path) -> None:
    table = Table(title="spec2listing results", show_lines=False)
    table.add_column("sku", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for column in ("score", "flags", "images", "cost USD", "seconds"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("file", overflow="fold")
    styles = {"COMPLETE": "green", "NEEDS_REVIEW": "yellow", "FAILED": "red", "REJECTED": "red"}
    providers: set[str] = set()
    for outcome in outcomes:
        for product in sorted(outcome.products, key=lambda record: record.sku):
            style = styles.get(product.status.value, "")
            providers.update(f"{step} {name}" for step, name in product.providers.items())
            table.add_row(
                product.sku,
                f"[{style}]{product.status.value}[/]",
                f"{product.score:.2f}" if product.score is not None else "",
                str(product.flags),
                str(product.images),
                f"{product.cost_usd:.4f}",
                f"{product.duration_ms / 1000:.1f}" if product.duration_ms else "",
                outcome.path.name,
            )
        if not outcome.products and not outcome.rejections:
            table.add_row("", f"[red]{outcome.status}[/]", "", "", "", "", "", outcome.path.name)
    console.print(table)
    if providers:
        console.print("providers: " + ", ".join(sorted(providers)))
    usage = [item for outcome in outcomes for product in outcome.products for item in product.usage]
    if any(item.cost_usd for item in usage):
        by_step: dict[str, float] = {}
        for item in usage:
            by_step[item.step] = by_step.get(item.step, 0.0) + item.cost_usd
        steps = ", ".join(f"{step} {cost:.4f}" for step, cost in by_step.items())
        console.print(f"cost USD: {sum(by_step.values()):.4f} ({steps})")

    for outcome in outcomes:
        if outcome.duplicate_of:
            console.print(f"{outcome.path.name}: a repeated delivery of run {outcome.duplicate_of}; nothing ran")
        reused = [product for product in outcome.products if product.reused_from]
        if reused:
            console.print(f"{outcome.path.name}: {len(reused)} unchanged products kept their listings, at no cost")
        if outcome.status == "FAILED":
            console.print(f"[red]run failed[/] for {outcome.path}: {outcome.error}")
        for rejection in outcome.rejections:
            label = rejection.get("sku") or rejection.get("origin") or "file"
            console.print(f"[red]rejected[/] {outcome.path.name} ({label}):")
            for error in rejection["errors"]:
                shown = f" (got {error['value']})" if error.get("value") is not None else ""
                console.print(
                    f"  {error['file']}: {error['path']}: {error['message']}{shown}; expected {error['expected']}"
                )
        if outcome.rejections and outcome.run:
            console.print(f"  original kept at {out_dir / 'rejected' / outcome.run.run_id}")
        for product in outcome.products:
            if product.status.value == "FAILED":
                console.print(f"[red]failed[/] {product.sku}: {product.error}")
    runs = [outcome.run.run_id for outcome in outcomes if outcome.run]
    if runs:
        console.print(
            f"outputs: {out_dir}/runs/<run>/ for runs {', '.join(runs)}; review sheets in runs/<run>/review/index.html"
        )


if __name__ == "__main__":
    sys.exit(main())
