"""Tell which product format an upload holds and hand it to that format's reader.

The file suffix says how the file is written: JSON, JSON Lines or CSV. The
content says which product format it is: the canonical spec2listing format,
Shopify or Akeneo, recognized by the keys of each JSON object or by the CSV
header. Option format overrides the detection. A file that mixes formats is
rejected; it is never read as the majority.
"""

import json
import re
from typing import Any

from spec2listing.errors import FieldError
from spec2listing.intake.akeneo import is_akeneo_product, read_akeneo
from spec2listing.intake.csv_catalog import header_score as catalog_header_score
from spec2listing.intake.csv_catalog import read_csv_catalog
from spec2listing.intake.field_errors import show_value
from spec2listing.intake.json_spec import (
    EXPECTED_BOUNDS,
    Item,
    JsonOutOfBounds,
    canonical_candidates,
    document_items,
    json_error_excerpt,
    load_json,
    parse_json,
    without_repeated_keys,
)
from spec2listing.intake.options import ReadOptions, SpecFormat
from spec2listing.intake.parse import ReadResult, Rejection, file_rejection
from spec2listing.intake.shopify import is_shopify_product, read_shopify_json
from spec2listing.intake.shopify_csv import header_score as shopify_header_score
from spec2listing.intake.shopify_csv import is_shopify_header, read_shopify_csv
from spec2listing.intake.tables import read_table
from spec2listing.intake.text import decode_text

FORMAT_LABELS = {"canonical": "spec2listing specs", "shopify": "Shopify products", "akeneo": "Akeneo products"}


def read_json_upload(file: str, data: bytes, options: ReadOptions) -> ReadResult:
    text = decode_text(file, data, encoding=options.encoding)
    if isinstance(text, FieldError):
        return ReadResult(rejections=[Rejection(origin="file", errors=[text])])
    document = load_json(file, text.text)
    if isinstance(document, Rejection):
        return ReadResult(rejections=[document])
    items, rejections = document_items(file, document)
    result = read_items(file, items, options, container="json")
    result.rejections[:0] = rejections
    return result


def read_jsonl_upload(file: str, data: bytes, options: ReadOptions) -> ReadResult:
    """Read JSON Lines: one product object per line; blank lines are skipped."""
    text = decode_text(file, data, encoding=options.encoding)
    if isinstance(text, FieldError):
        return ReadResult(rejections=[Rejection(origin="file", errors=[text])])
    items: list[Item] = []
    rejections = []
    # JSON Lines ends lines with '\n' or '\r\n', and a file saved on an old Mac with '\r' alone, which JSON
    # strings cannot hold raw. str.splitlines() would also split at U+2028, U+2029 and U+0085, which JSON
    # strings may contain unescaped.
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text.text), start=1):
        if not line.strip():
            continue
        origin = f"line {number}"
        try:
            entry = parse_json(line)
        except JsonOutOfBounds as error:
            rejections.append(file_rejection(file, origin, str(error), EXPECTED_BOUNDS, origin=origin))
            continue
        except json.JSONDecodeError as error:
            rejections.append(
                file_rejection(
                    file,
                    f"{origin} column {error.colno}",
                    f"invalid JSON: {error.msg}",
                    "one complete JSON object per line",
                    value=json_error_excerpt(error, "line"),
                    origin=origin,
                )
            )
            continue
        if not isinstance(entry, dict):
            rejections.append(
                file_rejection(
                    file,
                    origin,
                    "the line is not a JSON object",
                    "a product object",
                    value=show_value(line),
                    origin=origin,
                )
            )
            continue
        items.append((origin, entry))
    if not items and not rejections:
        rejections.append(file_rejection(file, "(file)", "the file is empty", "one product object per line"))
    items, repeated = without_repeated_keys(file, items)
    result = read_items(file, items, options, container="jsonl")
    result.rejections[:0] = rejections + repeated
    return result


def detect_format(item: dict[str, Any]) -> SpecFormat:
    if is_akeneo_product(item):
        return "akeneo"
    if is_shopify_product(item):
        return "shopify"
    return "canonical"


def read_items(file: str, items: list[Item], options: ReadOptions, *, container: str) -> ReadResult:
    """Read product objects of one format, detected from their keys unless option format names it."""
    if not items:
        return ReadResult()
    if options.format is not None:
        format_name: SpecFormat = options.format
    else:
        found: dict[SpecFormat, str] = {}
        for origin, item in items:
            found.setdefault(detect_format(item), origin or "the document")
        if len(found) > 1:
            shown = " and ".join(f"{FORMAT_LABELS[name]} ({origin})" for name, origin in found.items())
            return ReadResult(
                rejections=[
                    file_rejection(
                        file,
                        "(document)",
                        f"the file mixes {shown}",
                        "one format per file, or option format to read every entry in one format",
                    )
                ]
            )
        format_name = next(iter(found))
    label = f"{format_name}-{container}"
    if format_name == "akeneo":
        return read_akeneo(file, items, options, label)
    if format_name == "shopify":
        result = read_shopify_json(file, items, options)
        result.format = label
        return result
    return canonical_candidates(items, label)


def read_csv_upload(file: str, data: bytes, options: ReadOptions) -> ReadResult:
    """Read a CSV catalog or Shopify export in whatever dialect a spreadsheet saved it."""
    table = read_table(
        file,
        data,
        options,
        header_score=lambda header: max(catalog_header_score(header), shopify_header_score(header)),
        default_delimiter="\t" if file.lower().endswith(".tsv") else ",",
    )
    if isinstance(table, FieldError):
        return ReadResult(rejections=[Rejection(origin="file", errors=[table])])
    format_name = options.format or ("shopify" if is_shopify_header(table.header) else "canonical")
    if format_name == "akeneo":
        return ReadResult(
            rejections=[
                file_rejection(
                    file,
                    "(file)",
                    "option format is akeneo, but Akeneo products come as JSON",
                    "an Akeneo product JSON or JSON Lines file, or option format canonical or shopify",
                )
            ]
        )
    if format_name == "shopify":
        return read_shopify_csv(file, table, options)
    return read_csv_catalog(file, table, options)
