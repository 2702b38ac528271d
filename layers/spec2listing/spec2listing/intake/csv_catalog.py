"""The canonical CSV catalog: one row per variant, rows sharing `sku` form one product.

Column names are read in any case ("SKU", "Name"), as spreadsheet users type
them. List cells (materials, features, targets, anchors, mandatory elements)
separate items with ';'. Product-level columns must repeat the same value on
every row of a SKU, so a half-edited row is reported instead of silently winning.
"""

from collections.abc import Callable
from typing import Any

from spec2listing.errors import FieldError
from spec2listing.intake.currency_marks import mark_currencies, marks_of, split_currency_mark
from spec2listing.intake.field_errors import GeneratedValue, show_value
from spec2listing.intake.options import DecimalMark, ReadOptions
from spec2listing.intake.parse import ReadResult, Rejection, SpecCandidate
from spec2listing.intake.tables import (
    DECIMAL_NAMES,
    CsvTable,
    detect_decimal,
    long_row_error,
    missing_columns,
    normalize_number_cells,
)
from spec2listing.intake.variant_skus import VariantSkus

REQUIRED_COLUMNS = ("sku", "name", "brand", "category", "price", "currency")
LIST_COLUMNS = ("materials", "features", "targets", "anchors", "mandatory_elements", "reference_photos")
TEXT_COLUMNS = ("summary", "brand_guide", "style", "campaign")
MEASURE_COLUMNS = ("weight", "weight_unit", "volume", "volume_unit")
VARIANT_COLUMNS = ("color", "color_hex", "variant_sku", "finish", "material")
KNOWN_COLUMNS = REQUIRED_COLUMNS + LIST_COLUMNS + TEXT_COLUMNS + MEASURE_COLUMNS + VARIANT_COLUMNS
PRODUCT_COLUMNS = tuple(column for column in KNOWN_COLUMNS if column not in VARIANT_COLUMNS)
NUMBER_COLUMNS = ("price", "weight", "volume")

# Spec field (first part of a validation location) to the CSV column it came from.
_FIELD_TO_COLUMN = {
    "price": "price",
    "weight": "weight",
    "volume": "volume",
    "visual": "anchors",
}


def split_list(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


def column_key(name: str) -> str:
    """Return the catalog column a header cell names, in lower case, or the cell as written when it names none."""
    folded = name.strip().casefold()
    return folded if folded in KNOWN_COLUMNS else name


def header_score(header: list[str]) -> int:
    """Count the header cells that are catalog columns, to detect the delimiter and the layout."""
    return sum(1 for column in header if column_key(column) in KNOWN_COLUMNS)


def read_csv_catalog(file: str, table: CsvTable, options: ReadOptions) -> ReadResult:
    result = ReadResult(format="canonical-csv", dialect=table.dialect())
    problems = _header_problems(file, table.header)
    if problems:
        result.rejections.append(Rejection(origin="header", errors=problems))
        return result
    header = [column_key(name) for name in table.header]
    # The header cell as written, by column, for errors to name the column as the file shows it.
    names = {key: name.strip() for key, name in zip(header, table.header, strict=True)}

    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    # Rows with more cells than the header, by the sku in their sku cell. The whole sku
    # is rejected, because its product would otherwise run without those variants.
    misaligned: dict[str, list[tuple[int, FieldError]]] = {}
    sku_index = header.index("sku")
    for line_number, values in table.rows:
        long_row = long_row_error(file, line_number, values, len(header))
        if long_row is not None:
            sku = values[sku_index].strip() if sku_index < len(values) else ""
            misaligned.setdefault(sku, []).append((line_number, long_row))
            continue
        cells = {column: value.strip() for column, value in zip(header, values, strict=False)}
        cells.update(dict.fromkeys(header[len(values) :], ""))
        groups.setdefault(cells["sku"], []).append((line_number, cells))
    for sku, broken in misaligned.items():
        lines = sorted([line for line, _ in broken] + [line for line, _ in groups.pop(sku, [])])
        errors = [error for _, error in broken]
        result.rejections.append(Rejection(sku=sku or None, origin=_lines_label(lines), errors=errors))

    # Currency marks come off before the decimal mark is detected, because the prices help to detect it.
    mark_errors = {sku: _unmarked_prices(file, rows, names) for sku, rows in groups.items()}
    decimal = detect_decimal(file, _number_cells(groups, names), options.decimal)
    if isinstance(decimal, FieldError):
        result.rejections.append(Rejection(origin="file", errors=[decimal]))
        return result
    result.dialect["decimal"] = DECIMAL_NAMES[decimal]

    for sku, rows in groups.items():
        errors = mark_errors[sku] + _conflicting_columns(file, rows, names)
        errors += _normalize_numbers(file, rows, names, decimal, options.decimal is not None)
        if errors:
            result.rejections.append(Rejection(sku=sku or None, origin=_rows_label(rows), errors=errors))
            continue
        data = _product_fields(rows)
        variants, generated = _variants(data["sku"], rows, names)
        if variants:
            data["variants"] = variants
        result.candidates.append(
            SpecCandidate(origin=_rows_label(rows), data=data, locate=_locator(rows, names), generated=generated)
        )
    return result


def _number_cells(groups: dict[str, list[tuple[int, dict[str, str]]]], names: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (f"row {line}, column {names[column]}", cells[column])
        for rows in groups.values()
        for line, cells in rows
        for column in NUMBER_COLUMNS
        if cells.get(column)
    ]


def _unmarked_prices(file: str, rows: list[tuple[int, dict[str, str]]], names: dict[str, str]) -> list[FieldError]:
    """Take the currency mark off price cells such as "49,90 €", in place, where it names the row's currency.

    A mark that names another currency is an error, because the price may be in the wrong currency. Its
    number is kept all the same, so that the cell is not also reported as no number.
    """
    errors = []
    for line, cells in rows:
        written = cells.get("price", "")
        split = split_currency_mark(written)
        if split is None:
            continue
        number, mark = split
        currency = cells.get("currency", "").strip().upper()
        cells["price"] = number
        currencies = mark_currencies(mark)
        if currency in currencies:
            continue
        column = names["currency"]
        marks = f"{', '.join(marks_of(currency))} or no mark" if currency else "no mark"
        if not currencies:
            message = f"the price is marked {mark!r}, which is not a currency symbol or ISO 4217 code"
            expected = f"the price with {marks}"
        else:
            named = "" if currencies == {mark.upper()} else f" ({', '.join(sorted(currencies))})"
            found = f"is {currency}" if currency else "is empty"
            message = f"the price is marked {mark!r}{named}, but column {column} {found}"
            meant = next(iter(currencies)) if len(currencies) == 1 else "the currency the mark stands for"
            expected = f"the price with {marks}, or {meant} in column {column}"
        errors.append(
            FieldError(
                file=file,
                path=f"row {line}, column {names['price']}",
                value=show_value(written),
                message=message,
                expected=expected,
            )
        )
    return errors


def _normalize_numbers(
    file: str,
    rows: list[tuple[int, dict[str, str]]],
    names: dict[str, str],
    decimal: DecimalMark,
    decimal_given: bool,
) -> list[FieldError]:
    """Rewrite number cells with the file's decimal mark as plain decimals, in place."""
    unconfirmed = () if decimal_given else ("price",)
    errors = []
    for line, cells in rows:
        errors += normalize_number_cells(
            file, line, cells, NUMBER_COLUMNS, decimal, columns=names, unconfirmed_prices=unconfirmed
        )
    return errors


def _header_problems(file: str, header: list[str]) -> list[FieldError]:
    problems = []
    keys = [column_key(name) for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in keys]
    if missing:
        expected = f"a header row with {', '.join(REQUIRED_COLUMNS)} (or a Shopify product export, with Handle)"
        problems.append(missing_columns(file, header, missing, expected))
    for name, key in zip(header, keys, strict=True):
        if key not in KNOWN_COLUMNS:
            problems.append(
                FieldError(
                    file=file,
                    path=f"(header).{name}",
                    message="unknown column",
                    expected="only the catalog columns, in any case: " + ", ".join(KNOWN_COLUMNS),
                )
            )
    first: dict[str, str] = {}
    repeated: dict[str, FieldError] = {}
    for name, key in zip(header, keys, strict=True):
        if key not in first:
            first[key] = name
            continue
        if key in repeated:
            continue
        message = (
            "column appears more than once"
            if name == first[key]
            else f"column names the same column as {first[key]!r}, because column names are read in any case"
        )
        repeated[key] = FieldError(
            file=file,
            path=f"(header).{name}",
            message=message,
            expected="each column once; delete or rename the other",
        )
    problems += [repeated[key] for key in sorted(repeated)]
    return problems


def _conflicting_columns(file: str, rows: list[tuple[int, dict[str, str]]], names: dict[str, str]) -> list[FieldError]:
    first_line, first = rows[0]
    errors = []
    for line_number, cells in rows[1:]:
        for column in PRODUCT_COLUMNS:
            if column in first and cells.get(column, "") != first[column]:
                errors.append(
                    FieldError(
                        file=file,
                        path=f"row {line_number}, column {names[column]}",
                        value=show_value(cells.get(column, "")),
                        message=f"differs from row {first_line} ({show_value(first[column])}) of the same sku",
                        expected="the same product-level value on every row of a sku",
                    )
                )
    return errors


def _product_fields(rows: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    first = rows[0][1]
    data: dict[str, Any] = {
        "sku": first["sku"],
        "name": first["name"],
        "brand": first["brand"],
        "category": first["category"],
        "price": {"amount": first["price"], "currency": first["currency"]},
    }
    for column in ("summary", "brand_guide", "campaign"):
        if first.get(column):
            data[column] = first[column]
    for column in ("materials", "features", "targets", "reference_photos"):
        if first.get(column):
            data[column] = split_list(first[column])
    for measure in ("weight", "volume"):
        if first.get(measure):
            data[measure] = {"value": first[measure], "unit": first.get(f"{measure}_unit") or ""}
    visual: dict[str, Any] = {}
    if first.get("anchors"):
        visual["anchors"] = split_list(first["anchors"])
    if first.get("mandatory_elements"):
        visual["mandatory_elements"] = split_list(first["mandatory_elements"])
    if first.get("style"):
        visual["style"] = first["style"]
    if visual:
        data["visual"] = visual
    return data


def _variants(
    product_sku: str, rows: list[tuple[int, dict[str, str]]], names: dict[str, str]
) -> tuple[list[dict[str, str]], dict[str, GeneratedValue]]:
    """Build a variant per row that gives one, with a generated sku where its variant_sku cell is blank."""
    variant_rows = _variant_rows(rows)
    sku_column, color_column = names["sku"], names.get("color", "color")
    variant_sku_column = names.get("variant_sku", "variant_sku")
    skus = VariantSkus(product_sku, (cells.get("variant_sku", "") for _, cells in variant_rows), upper=True)
    variants = []
    generated: dict[str, GeneratedValue] = {}
    for index, (line, cells) in enumerate(variant_rows):
        sku = cells.get("variant_sku")
        if not sku:
            sku = skus.generate(cells.get("color", ""))
            generated[f"variants[{index}].sku"] = GeneratedValue(
                source=f"columns {sku_column} and {color_column}, because column {variant_sku_column} is blank",
                fix=f"a sku in column {variant_sku_column} of row {line}",
            )
        variant = {"sku": sku, "color": cells.get("color", ""), "color_hex": cells.get("color_hex", "")}
        for optional in ("finish", "material"):
            if cells.get(optional):
                variant[optional] = cells[optional]
        variants.append(variant)
    return variants, generated


def _variant_rows(rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, dict[str, str]]]:
    """Return the rows that give a variant, in order: those with a color, color_hex or variant_sku."""
    return [
        (line, cells)
        for line, cells in rows
        if cells.get("color") or cells.get("color_hex") or cells.get("variant_sku")
    ]


def _rows_label(rows: list[tuple[int, dict[str, str]]]) -> str:
    return _lines_label([line for line, _ in rows])


def _lines_label(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    return "rows " + ", ".join(str(number) for number in numbers)


def _locator(rows: list[tuple[int, dict[str, str]]], names: dict[str, str]) -> Callable[[tuple[int | str, ...]], str]:
    """Map a validation location back to the CSV row and column it was read from, named as the header writes it.

    A column the header lacks, such as the color_hex of a row with a color, is named in lower case.
    """
    variant_rows = _variant_rows(rows)

    def locate(location: tuple[int | str, ...]) -> str:
        if not location:
            return _rows_label(rows)
        field = str(location[0])
        if field == "variants" and len(location) > 1 and isinstance(location[1], int):
            line, cells = variant_rows[location[1]] if location[1] < len(variant_rows) else rows[0]
            column = str(location[2]) if len(location) > 2 else "color"
            if column == "sku":
                # A generated sku is blamed on the colour it was generated from, not on the blank cell.
                column = "variant_sku" if cells.get("variant_sku") else "color"
            return f"row {line}, column {names.get(column, column)}"
        column = _FIELD_TO_COLUMN.get(field, field)
        if field == "price" and len(location) > 1 and location[1] == "currency":
            column = "currency"
        if field in ("weight", "volume") and len(location) > 1 and location[1] == "unit":
            column = f"{field}_unit"
        if field == "visual" and len(location) > 1:
            column = "style" if location[1] == "style" else str(location[1])
        item = location[1] if field in LIST_COLUMNS and len(location) > 1 else None
        where = f"row {rows[0][0]}, column {names.get(column, column)}"
        return where if item is None else f"{where}, item {item}"

    return locate
