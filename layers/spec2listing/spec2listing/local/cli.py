"""The spec2listing command line: run the pipeline locally on spec files."""

import argparse
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from spec2listing.costs import PriceTable, load_prices
from spec2listing.intake.options import ReadOptions, read_options
from spec2listing.intake.parse import supported_suffixes
from spec2listing.local.estimate import estimate_files, print_estimate
from spec2listing.local.events import read_event
from spec2listing.local.references import photo_conflicts
from spec2listing.local.runtime import RUNS_INDEX_FILE, LocalPipeline, LocalStateInvalid, RunOutcome, Submission
from spec2listing.local.terminal import shown
from spec2listing.models.consistency import score_text
from spec2listing.models.records import ProductRecord, ProductStatus
from spec2listing.providers.select import invalid_keys, missing_keys, unpriced_models
from spec2listing.settings import ImageSettings, MapSettings, ProviderSettings
from spec2listing.storage import keys
from spec2listing.storage.records import RecordStore, outcome_order

DEFAULT_OUT = Path("out")
FAILING_STATUSES = {"REJECTED", "FAILED"}
PIPED_WIDTH = 160
PROVIDER_MODES = ("auto", "offline", "live")
# Invalid values are quoted in messages up to this length, so a whole file given as JSON stays one line.
SHOWN_VALUE_CHARACTERS = 80
# Exit statuses: 1 when a file or product failed, 2 for a usage error, 130 after Ctrl-C as shells report SIGINT
# (143 after SIGTERM and 129 after SIGHUP, the same way).
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# The command-line option that sets each setting, for messages about invalid values.
SETTING_OPTIONS = {
    "providers": "--providers (or $PROVIDERS)",
    "product_concurrency": "--product-concurrency",
    "image_concurrency": "--image-concurrency",
    "price_table": "--prices",
}


class UsageError(Exception):
    """An invalid command line, environment variable or input path; the CLI reports it and exits 2."""


def spec_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Expand folders to the spec files directly inside them; also return brand guide folders found.

    A file named twice, directly or through its folder, is returned once, where it was first named.
    """
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
            raise UsageError(f"{path} does not exist")
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values()), list(dict.fromkeys(brand_folders))


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spec2listing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run spec files through the pipeline on a local AWS emulation")
    run.add_argument(
        "paths", nargs="*", type=Path, help=f"spec files ({', '.join(supported_suffixes())}) or folders of them"
    )
    run.add_argument(
        "--event",
        type=Path,
        action="append",
        default=[],
        help="JSON file of a ProductSpecChanged event, sent as a PIM would send it to the app's bus; repeatable. "
        "The event's detail.options are its reader options",
    )
    run.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder, also the local bucket and table (default: out)"
    )
    run.add_argument(
        "--providers",
        choices=PROVIDER_MODES,
        # An invalid $PROVIDERS is reported by _run: argparse checks choices only on the command line.
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
    run.add_argument(
        "--product-concurrency",
        type=_non_negative_int,
        help="products processed at once, 0 for no limit (default: $PRODUCT_CONCURRENCY, else the template's)",
    )
    run.add_argument(
        "--image-concurrency",
        type=_non_negative_int,
        help="images rendered at once per product, 0 for no limit (default: $IMAGE_CONCURRENCY, else the template's)",
    )
    run.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=None,
        help="seconds to wait for the runs; runs still going then are stopped and recorded as FAILED, after "
        "at most 30 s more for provider calls already under way",
    )
    run.add_argument("--prices", type=Path, help="price table JSON replacing or adding models of the shipped one")
    _add_reader_options(run)

    estimate = commands.add_parser(
        "estimate", help="print the provider calls and USD cost a live run of these files would make; calls nothing"
    )
    estimate.add_argument(
        "paths", nargs="+", type=Path, help=f"spec files ({', '.join(supported_suffixes())}) or folders of them"
    )
    estimate.add_argument("--brands", type=Path, action="append", default=[], help="folder of brand guides")
    estimate.add_argument("--prices", type=Path, help="price table JSON replacing or adding models of the shipped one")
    _add_reader_options(estimate, uploaded=False)
    return parser


def _add_reader_options(command: argparse.ArgumentParser, *, uploaded: bool = True) -> None:
    described = "how to read files whose content leaves a choice open"
    if uploaded:
        described += "; sent with each upload as S3 object metadata, as on AWS"
    reading = command.add_argument_group("reader options", described)
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
    reading.add_argument(
        "--color-option",
        help="name of the Shopify option that contains colours where it is not Color or a known translation, "
        "or none to read options with other names as specs",
    )
    reading.add_argument(
        "--variants",
        choices=["merge", "replace"],
        help="merge: Akeneo variant products update the variants of their model's last listing (default); "
        "replace: the file holds all of the model's variant products",
    )
    reading.add_argument(
        "--include-inactive",
        action="store_true",
        help="make listings for archived Shopify products and disabled Akeneo products too (default: reject them)",
    )


READER_OPTIONS = (
    "format",
    "encoding",
    "delimiter",
    "decimal",
    "locale",
    "channel",
    "currency",
    "attributes",
    "color_option",
    "include_inactive",
    "variants",
)


def _reader_options(arguments: argparse.Namespace) -> dict[str, str]:
    return {name: str(getattr(arguments, name)) for name in READER_OPTIONS if getattr(arguments, name)}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    console = Console()
    if not console.is_terminal:
        # Piped output and CI logs get one wide table instead of an 80-column wrap.
        console = Console(width=PIPED_WIDTH)
    commands: dict[str, Callable[[argparse.Namespace, Console], int]] = {"run": _run, "estimate": _estimate}
    try:
        return commands[arguments.command](arguments, console)
    except UsageError as error:
        for line in str(error).splitlines():
            _error_console().print(f"[red]error:[/] {shown(line)}")
        return EXIT_USAGE
    except KeyboardInterrupt as interrupt:
        # Ctrl-C before any run started, or while the output folder was being saved.
        _error_console().print("interrupted")
        return _interrupted_status(interrupt)


def _run(arguments: argparse.Namespace, console: Console) -> int:
    if not arguments.paths and not arguments.event:
        raise UsageError("nothing to run; give spec files or folders, or --event with a ProductSpecChanged event file")
    events = _read_events(arguments.event)
    files, brand_folders = _input_files(arguments, required=not events)
    # Intake reads the options again from the upload's metadata; checking them here fails before any run.
    _checked_options(arguments)
    conflicts = photo_conflicts(files, _reader_options(arguments)) if len(files) > 1 else []
    if conflicts:
        raise UsageError("\n".join(conflicts))
    out_dir = _output_folder(arguments.out)
    _note_stored_brand_guides(out_dir, brand_folders)
    _check_settings(
        providers=arguments.providers,
        product_concurrency=arguments.product_concurrency,
        image_concurrency=arguments.image_concurrency,
    )
    missing = missing_keys(ProviderSettings(providers=arguments.providers))
    if missing:
        raise UsageError(f"--providers live needs {' and '.join(missing)} set (or use auto or offline)")
    invalid = invalid_keys(ProviderSettings(providers=arguments.providers))
    if invalid:
        raise UsageError("; ".join(invalid))
    _checked_prices(arguments.prices)
    price_table = {"price_table": arguments.prices} if arguments.prices is not None else {}
    for model in unpriced_models(ProviderSettings(providers=arguments.providers, **price_table)):
        _error_console().print(
            f"[yellow]warning:[/] the price table lists no price for {shown(model)}, so its calls count as "
            "0 USD in the cost totals; add the model with --prices"
        )

    environment = {"PROVIDERS": arguments.providers}
    if arguments.prices is not None:
        environment["PRICE_TABLE"] = str(arguments.prices.resolve())
    if arguments.product_concurrency is not None:
        environment["PRODUCT_CONCURRENCY"] = str(arguments.product_concurrency)
    if arguments.image_concurrency is not None:
        environment["IMAGE_CONCURRENCY"] = str(arguments.image_concurrency)

    submissions: list[Submission] = []
    late_notes: list[str] = []
    restore_interrupts: Callable[[], None] = _nothing
    restore_termination = _stop_on_termination()
    try:
        pipeline = LocalPipeline(out_dir, environment=environment)
        with pipeline:
            try:
                for folder in brand_folders:
                    pipeline.upload_brand_guides(folder)
                for path in files:
                    submissions.append(pipeline.submit_file(path, _reader_options(arguments)))
                for path, event in events:
                    submissions.append(pipeline.start(path, "", event))
                outcomes = _wait_with_progress(pipeline, submissions, console, arguments.timeout)
                late_notes = _late_change_notes(pipeline.records, outcomes)
            except TimeoutError as error:
                restore_interrupts = _defer_interrupts()
                if pipeline.running(pipeline.started):
                    _error_console().print(f"{shown(str(error))}; {STOPPING}")
                stopped = pipeline.stop(pipeline.started, reason=f"TimedOut: {error}")
                outcomes = pipeline.outcomes(pipeline.started)
                # With none stopped, every run ended between the deadline and the stop, so the command is done.
                if stopped:
                    # The runs that ended in time keep their outcomes; show them beside the stopped ones.
                    _print_outcomes(console, outcomes, out_dir)
                    _error_console().print(f"[red]error:[/] {shown(str(error))}; stopped runs {', '.join(stopped)}")
                    return EXIT_FAILED
                restore_interrupts()  # deferred again below, while the folder is saved
            except KeyboardInterrupt as interrupt:
                restore_interrupts = _defer_interrupts()
                _error_console().print(f"interrupted; {STOPPING}")
                cause = f"stopped by {interrupt.name}" if isinstance(interrupt, Terminated) else "stopped with Ctrl-C"
                # pipeline.started also contains an execution whose submission the interrupt cut short.
                stopped = pipeline.stop(pipeline.started, reason=f"Interrupted: {cause}")
                _print_outcomes(console, pipeline.outcomes(pipeline.started), out_dir)
                _error_console().print(f"interrupted; stopped runs {', '.join(stopped) or 'none'}")
                return _interrupted_status(interrupt)
            # Leaving the pipeline saves the output folder, which a Ctrl-C would leave half written.
            restore_interrupts = _defer_interrupts()
    except LocalStateInvalid as error:
        raise UsageError(str(error)) from error
    finally:
        restore_interrupts()
        restore_termination()
    _print_outcomes(console, outcomes, out_dir)
    for line in late_notes:
        console.print(shown(line))
    failing = any(
        outcome.status == "FAILED"
        or outcome.rejections
        or any(product.status.value in FAILING_STATUSES for product in outcome.products)
        for outcome in outcomes
    )
    return EXIT_FAILED if failing else 0


def _nothing() -> None:
    return None


# Signals that stop a command: Ctrl-C, and a terminal or job manager ending it.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


STOPPING = "stopping runs and saving the output folder; provider calls under way may take up to 30 s"


def _defer_interrupts() -> Callable[[], None]:
    """Let Ctrl-C only print a notice until the returned function is called, so runs close and the folder saves."""

    def notice(signum: int, frame: object) -> None:
        _error_console().print("stopping runs and saving the output folder; please wait")

    return _handle_signals(STOP_SIGNALS, notice)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C would raise KeyboardInterrupt, so both take one stop path."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number
        self.name = signal.Signals(number).name


def _interrupted_status(interrupt: KeyboardInterrupt) -> int:
    """Give the exit status of a command a signal stopped: 128 plus its number, as shells report it."""
    return 128 + interrupt.number if isinstance(interrupt, Terminated) else EXIT_INTERRUPTED


def _stop_on_termination() -> Callable[[], None]:
    """Make SIGTERM and SIGHUP (a cancelled CI job, `timeout`, a closed terminal) stop the runs as Ctrl-C does.

    The output folder, with the usage of calls already billed and the image cache, is saved only when the
    command ends through the stop path, so a plain kill would lose it.
    """

    def interrupt(signum: int, frame: object) -> None:
        raise Terminated(signum)

    return _handle_signals([number for number in STOP_SIGNALS if number != signal.SIGINT], interrupt)


def _handle_signals(numbers: Sequence[int], handler: Callable[[int, Any], None]) -> Callable[[], None]:
    """Install `handler` for the signals and return the function that puts the earlier handlers back.

    Signal handlers belong to the main thread, so elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        return _nothing
    previous = {number: signal.signal(number, handler) for number in numbers}

    def restore() -> None:
        for number, earlier in previous.items():
            signal.signal(number, earlier)

    return restore


def _wait_with_progress(
    pipeline: LocalPipeline, submissions: list[Submission], console: Console, timeout: float | None
) -> list[RunOutcome]:
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

        return pipeline.wait(submissions, on_progress=report, timeout_seconds=timeout)


def _estimate(arguments: argparse.Namespace, console: Console) -> int:
    files, brand_folders = _input_files(arguments)
    options = _checked_options(arguments)
    _check_settings()
    prices = _checked_prices(arguments.prices)
    estimate, rejections = estimate_files(files, brand_folders, prices=prices, options=options)
    print_estimate(console, estimate, rejections)
    return EXIT_FAILED if rejections else 0


def _error_console() -> Console:
    return Console(stderr=True, width=None if sys.stderr.isatty() else PIPED_WIDTH)


def _input_files(arguments: argparse.Namespace, *, required: bool = True) -> tuple[list[Path], list[Path]]:
    """Collect the spec files to read and every brand guide folder, given or found beside the specs."""
    files, found_brand_folders = spec_files(arguments.paths)
    if not files and (required or arguments.paths):
        raise UsageError(f"no spec files ({', '.join(supported_suffixes())}) in the given paths")
    for folder in arguments.brands:
        if not folder.is_dir():
            raise UsageError(f"--brands {folder}: no such folder; expected a folder of <name>.json brand guides")
    folders = list(dict.fromkeys([*found_brand_folders, *arguments.brands]))
    _check_brand_guides_agree(folders)
    return files, folders


def _note_stored_brand_guides(out_dir: Path, brand_folders: list[Path]) -> None:
    """Name the brand guides the output folder keeps from earlier commands that no folder of this one has.

    The output folder is the local bucket, and a spec that names such a guide uses the stored copy, so a
    guide deleted or renamed beside the specs would otherwise go on shaping copy without a word.
    """
    in_folders = {path.stem for folder in brand_folders for path in folder.glob("*.json")}
    stored = sorted(path.stem for path in (out_dir / keys.BRANDS_PREFIX).glob("*.json") if path.stem not in in_folders)
    if stored:
        _error_console().print(
            f"note: {shown(str(out_dir / keys.BRANDS_PREFIX))} keeps brand guides from earlier runs "
            f"({shown(', '.join(stored))}); specs that name them use them. Delete a file there to stop that."
        )


def _read_events(paths: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    events = []
    for path in paths:
        try:
            events.append((path, read_event(path)))
        except ValueError as error:
            raise UsageError(f"--event {path}: {error}") from error
    return events


def _check_brand_guides_agree(folders: list[Path]) -> None:
    """Reject brand guide folders that give one guide name different content.

    All guides go to the one brands/ prefix of the bucket, so the last folder
    uploaded would silently decide the guide of every file in the command.
    """
    seen: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            try:
                keys.brand_guide(path.stem)
            except ValueError as error:
                raise UsageError(f"brand guide {path}: {error}; rename the file to <name>.json") from error
            earlier = seen.setdefault(path.stem, path)
            if earlier != path and earlier.read_bytes() != path.read_bytes():
                raise UsageError(
                    f"brand guide {path.stem!r} differs between {earlier} and {path}; expected one guide per "
                    "name in a command: rename one of them, or run the files of each folder in their own command"
                )


def _checked_options(arguments: argparse.Namespace) -> ReadOptions:
    options = read_options("command line", _reader_options(arguments), ignore_unknown=False)
    if isinstance(options, list):
        raise UsageError("\n".join(str(problem) for problem in options))
    return options


def _output_folder(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file; expected a folder (it is created if missing)")
    return out_dir


def _checked_prices(path: Path | None) -> PriceTable:
    """Load the price table of --prices, else of PRICE_TABLE, else the shipped one; a bad file is a usage error."""
    source = "--prices"
    if path is None and os.environ.get("PRICE_TABLE"):
        path, source = Path(os.environ["PRICE_TABLE"]), "PRICE_TABLE"
    if path is None:
        return load_prices(None)
    try:
        return load_prices(path)
    except OSError as error:
        raise UsageError(f"{source} {path}: cannot read the price table ({error.strerror or error})") from error
    except ValidationError as error:
        problems = "; ".join(_describe(problem) for problem in error.errors(include_url=False))
        raise UsageError(f"{source} {path}: invalid price table: {problems}") from error


def _check_settings(**overrides: object) -> None:
    """Validate the settings the pipeline will read from the environment, with command-line values applied."""
    given = {name: value for name, value in overrides.items() if value is not None}
    problems: list[str] = []
    for settings in (ProviderSettings, ImageSettings, MapSettings):
        fields: dict[str, Any] = {name: value for name, value in given.items() if name in settings.model_fields}
        try:
            settings(**fields)
        except ValidationError as error:
            for problem in error.errors(include_url=False):
                name = str(problem["loc"][0]) if problem["loc"] else ""
                source = SETTING_OPTIONS[name] if name in given else f"environment variable {name.upper()}"
                problems.append(f"{source}: {_describe(problem, with_location=False)}")
    if problems:
        raise UsageError("\n".join(problems))


# Up to the last "@" before the path, since a password pasted without percent-encoding may hold one.
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/\s]*@")


def _describe(problem: Mapping[str, Any], *, with_location: bool = True) -> str:
    """Format one pydantic error as text: where, what and the value given."""
    location = ".".join(str(part) for part in problem["loc"])
    value = problem["input"]
    text = "an object" if isinstance(value, dict) else json.dumps(value, default=str, ensure_ascii=False)
    # A URL's user name and password are credentials, which an error printed to a CI log must not show.
    text = _URL_CREDENTIALS.sub("***@", text)
    if len(text) > SHOWN_VALUE_CHARACTERS:
        text = text[: SHOWN_VALUE_CHARACTERS - 1] + "…"
    described = f"{problem['msg']} (got {text})"
    return f"{location}: {described}" if with_location and location else described


def _print_outcomes(console: Console, outcomes: list[RunOutcome], out_dir: Path) -> None:
    console.print(_results_table(outcomes))
    for line in _totals(outcomes):
        console.print(line)
    for outcome in outcomes:
        for line in _file_notes(outcome, out_dir):
            console.print(line)
    for line in _shared_sku_notes(outcomes):
        console.print(shown(line))
    runs = [outcome.run.run_id for outcome in outcomes if outcome.run]
    if runs:
        console.print(
            f"outputs: {shown(str(out_dir))}/runs/<run>/ for runs {', '.join(runs)}; "
            f"every run's review index is linked from {shown(str(out_dir / RUNS_INDEX_FILE))}"
        )


# Products to review named in the printout, per file; the review index lists every one.
REVIEW_LINES = 20
STATUS_STYLES = {"COMPLETE": "green", "NEEDS_REVIEW": "yellow", "FAILED": "red", "REJECTED": "red"}


def _results_table(outcomes: list[RunOutcome]) -> Table:
    """Build the results table: a row per product, per rejection without a SKU, and per file that ran nothing."""
    table = Table(title="spec2listing results", show_lines=False)
    table.add_column("sku", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for column in ("score", "flags", "images", "cost USD", "seconds"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("file", overflow="fold")
    blank = ("",) * 5
    for outcome in outcomes:
        file_name = shown(outcome.path.name)
        for product in sorted(outcome.products, key=lambda record: record.sku):
            table.add_row(
                shown(product.sku),
                f"[{STATUS_STYLES.get(product.status.value, '')}]{product.status.value}[/]",
                score_text(product.score) if product.score is not None else "",
                str(product.flags),
                str(product.images),
                f"{product.cost_usd:.4f}",
                f"{product.duration_ms / 1000:.1f}" if product.duration_ms else "",
                file_name,
            )
        # A rejection without a SKU (the whole file, its header or its options) has no product record.
        for rejection in outcome.rejections:
            if not rejection.get("sku"):
                where = shown(f"({rejection.get('origin') or 'file'})")
                table.add_row(where, "[red]REJECTED[/]", *blank, file_name)
        if not outcome.products and not outcome.rejections:
            table.add_row("", f"[red]{outcome.status}[/]", *blank, file_name)
    return table


def _totals(outcomes: list[RunOutcome]) -> list[str]:
    """List the providers that served the products and, when anything was paid for, the cost by step."""
    products = [product for outcome in outcomes for product in outcome.products]
    lines = []
    providers = {f"{step} {name}" for product in products for step, name in product.providers.items()}
    if providers:
        lines.append("providers: " + shown(", ".join(sorted(providers))))
    by_step: dict[str, float] = {}
    for item in (item for product in products for item in product.usage):
        by_step[item.step] = by_step.get(item.step, 0.0) + item.cost_usd
    if any(by_step.values()):
        steps = ", ".join(f"{step} {cost:.4f}" for step, cost in by_step.items())
        lines.append(f"cost USD: {sum(by_step.values()):.4f} ({steps})")
    return lines


def _file_notes(outcome: RunOutcome, out_dir: Path) -> list[str]:
    """Describe what happened to one file beyond its table rows: repeats, reuse, failures, rejections, reviews."""
    name = shown(outcome.path.name)
    lines = []

    if outcome.duplicate_of:
        lines.append(f"{name}: a repeated delivery of run {outcome.duplicate_of}; nothing ran")
    reused = [product for product in outcome.products if product.reused_from]
    if reused:
        kept = "product kept its listing" if len(reused) == 1 else "products kept their listings"
        lines.append(f"{name}: {len(reused)} unchanged {kept}, at no cost")
    if outcome.status == "FAILED":
        lines.append(f"[red]run failed[/] for {shown(str(outcome.path))}: {shown(str(outcome.error))}")
    for rejection in outcome.rejections:
        label = rejection.get("sku") or rejection.get("origin") or "file"
        lines.append(f"[red]rejected[/] {name} ({shown(str(label))}):")
        for error in rejection["errors"]:
            got = f" (got {error['value']})" if error.get("value") is not None else ""
            line = f"  {error['file']}: {error['path']}: {error['message']}{got}; expected {error['expected']}"
            lines.append(shown(line))
    if outcome.rejections and outcome.run:
        lines.append(f"  original kept at {shown(str(out_dir / 'rejected' / outcome.run.run_id))}")

    for product in outcome.products:
        if product.status == ProductStatus.FAILED:
            lines.append(f"[red]failed[/] {shown(product.sku)}: {shown(str(product.error))}")
        if product.rebuilt_because:
            lines.append(
                f"{shown(product.sku)}: its spec is unchanged, but its kept listing was made again because "
                f"{shown(product.rebuilt_because)}"
            )

    review = sorted(
        (product for product in outcome.products if product.status == ProductStatus.NEEDS_REVIEW),
        key=lambda record: record.sku,
    )
    for product in review[:REVIEW_LINES]:
        # A blocked call gives the reason; otherwise the two heaviest flags show what drifted.
        reason = product.error or "; ".join(line for line in product.flag_summary[:2] if not line.startswith("and "))
        lines.append(f"[yellow]review[/] {shown(product.sku)}: {shown(reason)}")
    if len(review) > REVIEW_LINES:
        lines.append(f"  and {len(review) - REVIEW_LINES} more products to review; the review index lists them all")
    return lines


def _shared_sku_notes(outcomes: list[RunOutcome]) -> list[str]:
    """Build a note for each SKU that more than one file contained, naming the file of its current outcome.

    The files of one command run at once. Their upload events are stamped in
    whole seconds, so the current outcome is that of the file uploaded in the
    latest second, and among files of one second the one that finished last.
    """
    names = [outcome.path.name for outcome in outcomes]
    by_sku: dict[str, list[tuple[str, ProductRecord]]] = {}
    for outcome in outcomes:
        # Two files of one name in different folders are named by their paths.
        label = outcome.path.name if names.count(outcome.path.name) == 1 else str(outcome.path)
        for product in outcome.products:
            by_sku.setdefault(product.sku, []).append((label, product))
    notes = []
    for sku, seen in sorted(by_sku.items()):
        files = list(dict.fromkeys(name for name, _ in seen))
        # Where every file's product was rejected, none of them is the listing.
        if len(files) < 2 or all(record.status == ProductStatus.REJECTED for _, record in seen):
            continue
        latest, _ = max(seen, key=lambda entry: outcome_order(entry[1]))
        notes.append(
            f"note: {sku} is in {', '.join(files)}; its current outcome is the one from {latest}, "
            "uploaded last or, within one second, finished last. Put a SKU in one file per command to choose "
            "its listing."
        )
    notes += _case_twin_notes(by_sku)
    return notes


def _late_change_notes(records: RecordStore, outcomes: list[RunOutcome]) -> list[str]:
    """Note products whose change is older than the current listing of their SKU from an earlier command.

    The newest change is the current listing, by the time of the upload or event, so an event stamped
    before the last upload of its SKU runs but leaves the listing as it was.
    """
    runs = {outcome.run.run_id for outcome in outcomes if outcome.run}
    notes = []
    for outcome in outcomes:
        for product in outcome.products:
            if product.status == ProductStatus.REJECTED:
                continue
            current = records.get_current_product(product.sku)
            if current is None or current.run_id in runs:
                continue
            notes.append(
                f"note: {product.sku} from {outcome.path.name} changed at {_stamp(product.changed_at)}, before "
                f"its current listing (run {current.run_id}, changed at {_stamp(current.changed_at)}), which "
                "stays current; give the event a later time to replace it"
            )
    return notes


def _stamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment is not None else "an unknown time"


def _case_twin_notes(by_sku: dict[str, list[tuple[str, ProductRecord]]]) -> list[str]:
    """Note SKUs of different files that differ only in case, which one file would reject as a likely typo.

    Across files they are two products with listings of their own.
    """
    twins: dict[str, list[str]] = {}
    for sku, seen in sorted(by_sku.items()):
        if any(record.status != ProductStatus.REJECTED for _, record in seen):
            twins.setdefault(sku.casefold(), []).append(sku)
    notes = []
    for skus in twins.values():
        if len(skus) > 1:
            files = ", ".join(dict.fromkeys(name for sku in skus for name, _ in by_sku[sku]))
            notes.append(
                f"note: {' and '.join(skus)} (in {files}) differ only in case and are listed as separate "
                "products; give them one spelling if they are one product."
            )
    return notes


if __name__ == "__main__":
    sys.exit(main())
