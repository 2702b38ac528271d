"""Shopify's product CSV export: one row per variant, rows sharing a handle form one product.

Product fields (Title, Body (HTML), Vendor, ...) sit on a product's first row;
later rows carry variant and image columns only, and a row with nothing but an
image is an extra product image. Both the classic headers (Handle, Variant SKU,
Variant Price, Image Src) and the current ones (URL handle, SKU, Price, Product
image URL) are read, without regard to case. Columns of an export that the
pipeline has no use for (inventory, shipping, Google Shopping, markets,
metafields) are accepted; any other column is an error.
"""

import re

from spec2listing.errors import FieldError
from spec2listing.intake.field_errors import show_value
from spec2listing.intake.options import DecimalMark, ReadOptions
from spec2listing.intake.parse import ReadResult, Rejection, file_rejection
from spec2listing.intake.shopify import ShopifyProduct, ShopifyVariant, currency_missing, file_skus, product_candidate
from spec2listing.intake.tables import (
    DECIMAL_NAMES,
    CsvTable,
    detect_decimal,
    long_row_error,
    missing_columns,
    normalize_number_cells,
)

# Header names (lower case, single spaces) to the field each one fills.
COLUMNS = {
    "handle": "handle",
    "url handle": "handle",
    "title": "title",
    "body (html)": "body_html",
    "description": "body_html",
    "vendor": "vendor",
    "product category": "category",
    "type": "product_type",
    # The names of those two columns in exports of 2021 and 2022.
    "standard product type": "category",
    "custom product type": "product_type",
    "seo title": "seo_title",
    "seo description": "seo_description",
    "variant sku": "sku",
    "sku": "sku",
    "variant price": "price",
    "price": "price",
    "variant grams": "grams",
    "weight value (grams)": "grams",
    "variant weight unit": "weight_unit",
    "weight unit for display": "weight_unit",
    "status": "status",
    "image src": "image",
    "product image url": "image",
    **{f"option{n} name": f"option{n}_name" for n in (1, 2, 3)},
    **{f"option{n} value": f"option{n}" for n in (1, 2, 3)},
}
OLDER_NAMES = frozenset({"standard product type", "custom product type"})
# The column of Shopify's export that fills each field, named in errors about a column the file lacks.
COLUMN_LABELS = {
    "handle": "Handle",
    "title": "Title",
    "body_html": "Body (HTML)",
    "vendor": "Vendor",
    "category": "Product Category",
    "product_type": "Type",
    "sku": "Variant SKU",
    "price": "Variant Price",
    "grams": "Variant Grams",
    "weight_unit": "Variant Weight Unit",
    **{f"option{n}_name": f"Option{n} Name" for n in (1, 2, 3)},
    **{f"option{n}": f"Option{n} Value" for n in (1, 2, 3)},
}
PRODUCT_FIELDS = (
    "title",
    "body_html",
    "vendor",
    "category",
    "product_type",
    "seo_title",
    "seo_description",
    "status",
)
VARIANT_FIELDS = ("sku", "price", "grams", "option1", "option2", "option3")
NUMBER_FIELDS = ("price", "grams")
REQUIRED_FIELDS = {"handle": "Handle", "title": "Title", "price": "Variant Price"}
# Export columns the pipeline does not read.
UNUSED_COLUMNS = frozenset(
    {
        "published",
        "published on online store",
        "tags",
        "gift card",
        "image position",
        "image alt text",
        "variant image",
        "variant image url",
        "variant inventory tracker",
        "variant inventory qty",
        "variant inventory policy",
        "variant fulfillment service",
        "variant compare at price",
        "variant requires shipping",
        "variant taxable",
        "variant barcode",
        "variant tax code",
        "barcode",
        "variant barcodes",
        "compare-at price",
        "cost per item",
        "charge tax",
        "tax code",
        "inventory tracker",
        "inventory quantity",
        "continue selling when out of stock",
        "requires shipping",
        "fulfillment service",
        "unit price total measure",
        "unit price total measure unit",
        "unit price base measure",
        "unit price base measure unit",
        *(f"option{n} linked to" for n in (1, 2, 3)),
    }
)
UNUSED_PATTERN = re.compile(
    r"^(google shopping / |included / |price / |compare[- ]at price / )"
    r"|\((product|variant)\.metafields\.[^)]+\)$"
)


def column_key(name: str) -> str:
    return " ".join(name.split()).lower()


def header_score(header: list[str]) -> int:
    """Count the header cells that are Shopify export columns, to detect the delimiter and the layout."""
    keys = [column_key(name) for name in header]
    return sum(1 for key in keys if key in COLUMNS or key in UNUSED_COLUMNS or UNUSED_PATTERN.search(key))


def is_shopify_header(header: list[str]) -> bool:
    keys = {column_key(name) for name in header}
    return bool(keys & {"handle", "url handle"}) and "sku" not in {name.strip() for name in header}


def read_shopify_csv(file: str, table: CsvTable, options: ReadOptions) -> ReadResult:
    result = ReadResult(format="shopify-csv", dialect=table.dialect())
    fields, problems = _header_fields(file, table.header)
    if problems:
        result.rejections.append(Rejection(origin="header", errors=problems))
        return result
    if options.currency is None:
        result.rejections.append(currency_missing(file))
        return result
    columns = {field: table.header[index] for field, index in fields.items()}

    products: dict[str, list[tuple[int, dict[str, str]]]] = {}
    # Rows with more cells than the header, by handle: the whole product is rejected.
    misaligned: dict[str, list[tuple[int, FieldError]]] = {}
    for line, values in table.rows:
        long_row = long_row_error(file, line, values, len(table.header))
        if long_row is not None:
            handle_index = fields["handle"]
            handle = values[handle_index].strip() if handle_index < len(values) else ""
            misaligned.setdefault(handle, []).append((line, long_row))
            continue
        cells = {field: values[index].strip() if index < len(values) else "" for field, index in fields.items()}
        if not cells["handle"]:
            result.rejections.append(
                file_rejection(
                    file,
                    f"row {line}, column {columns['handle']}",
                    "missing handle",
                    "the product handle",
                    origin=f"row {line}",
                )
            )
            continue
        products.setdefault(cells["handle"], []).append((line, cells))
    for handle, broken in misaligned.items():
        lines = sorted([line for line, _ in broken] + [line for line, _ in products.pop(handle, [])])
        origin = f"row {lines[0]}" if len(lines) == 1 else f"rows {lines[0]}-{lines[-1]}"
        result.rejections.append(Rejection(sku=handle or None, origin=origin, errors=[error for _, error in broken]))

    number_cells = [
        (f"row {line}, column {columns[name]}", cells[name])
        for rows in products.values()
        for line, cells in rows
        for name in NUMBER_FIELDS
        if cells.get(name)
    ]
    decimal = detect_decimal(file, number_cells, options.decimal)
    if isinstance(decimal, FieldError):
        result.rejections.append(Rejection(origin="file", errors=[decimal]))
        return result
    result.dialect["decimal"] = DECIMAL_NAMES[decimal]

    decimal_given = options.decimal is not None
    shopify_products = [
        _product(file, handle, rows, columns, decimal, decimal_given=decimal_given) for handle, rows in products.items()
    ]
    taken = file_skus(shopify_products)
    for product in shopify_products:
        result.add(product_candidate(file, product, options.currency, options, taken))
    return result


def _header_fields(file: str, header: list[str]) -> tuple[dict[str, int], list[FieldError]]:
    fields: dict[str, int] = {}
    problems = []
    for index, name in enumerate(header):
        key = column_key(name)
        if key in COLUMNS:
            field = COLUMNS[key]
            if field in fields and (key in OLDER_NAMES or column_key(header[fields[field]]) in OLDER_NAMES):
                # An older name beside the current one: the current column is read.
                if key in OLDER_NAMES:
                    continue
            elif field in fields:
                problems.append(
                    FieldError(
                        file=file,
                        path=f"(header).{name}",
                        message=f"column duplicates {header[fields[field]]!r}",
                        expected="each column once",
                    )
                )
            fields[field] = index
        elif key not in UNUSED_COLUMNS and not UNUSED_PATTERN.search(key):
            problems.append(
                FieldError(
                    file=file,
                    path=f"(header).{name}",
                    message="unknown column for a Shopify product export",
                    expected="the columns Shopify exports, such as Handle, Title, Variant SKU, Variant Price",
                )
            )
    missing = [label for field, label in REQUIRED_FIELDS.items() if field not in fields]
    if missing:
        problems.append(
            missing_columns(file, header, missing, "a Shopify product export with Handle, Title and Variant Price")
        )
    return fields, problems


def _cell_error(
    file: str, columns: dict[str, str], line: int, cells: dict[str, str], name: str, *, message: str, expected: str
) -> FieldError:
    """Build the error about one cell of a row, named by its column header."""
    return FieldError(
        file=file,
        path=f"row {line}, column {_column_name(columns, name)}",
        value=show_value(cells[name]),
        message=message,
        expected=expected,
    )


def _option_names_apart(
    file: str, rows: list[tuple[int, dict[str, str]]], first_line: int, first: dict[str, str], columns: dict[str, str]
) -> list[FieldError]:
    """Report option names on later rows that differ from the first row's, and values under an unnamed option.

    The first row names the options. Another name on a later row would pair that row's value with the wrong
    option, as a colour under Trim, and a value whose option has no name would be dropped.
    """
    errors = []
    for number in (1, 2, 3):
        name_field, value_field = f"option{number}_name", f"option{number}"
        named = " ".join(first.get(name_field, "").split()).casefold()
        for line, cells in rows:
            other = " ".join(cells.get(name_field, "").split()).casefold()
            if line != first_line and other and other != named:
                message = f"differs from the option name on row {first_line} ({show_value(first.get(name_field, ''))})"
                expected = "the option names on the product's first row only, or the same names"
                errors.append(_cell_error(file, columns, line, cells, name_field, message=message, expected=expected))
            elif not named and not other and cells.get(value_field):
                message = f"a value for option {number}, which has no name"
                expected = f"the option's name in {_column_name(columns, name_field)} on row {first_line}"
                errors.append(_cell_error(file, columns, line, cells, value_field, message=message, expected=expected))
    return errors


def _product(
    file: str,
    handle: str,
    rows: list[tuple[int, dict[str, str]]],
    columns: dict[str, str],
    decimal: DecimalMark,
    *,
    decimal_given: bool,
) -> ShopifyProduct:
    # The product fields are on the handle's first row that is not an image row. An export sorted by
    # another tool may put a row with only an image first.
    fields_first = [
        (line, cells) for line, cells in rows if any(cells.get(name) for name in (*PRODUCT_FIELDS, *VARIANT_FIELDS))
    ]
    first_line, first = (fields_first or rows)[0]
    errors = []
    for line, cells in rows:
        if line == first_line:
            continue
        for name in PRODUCT_FIELDS:
            if name in cells and cells[name] and cells[name] != first.get(name, ""):
                message = f"differs from row {first_line} ({show_value(first.get(name, ''))}) of handle {handle}"
                expected = "product fields on the product's first row only, or the same value"
                errors.append(_cell_error(file, columns, line, cells, name, message=message, expected=expected))

    errors += _option_names_apart(file, rows, first_line, first, columns)
    variants = []
    for line, cells in rows:
        if not any(cells.get(name) for name in VARIANT_FIELDS):
            continue  # an image row
        unconfirmed = () if decimal_given else ("price",)
        errors += normalize_number_cells(
            file, line, cells, NUMBER_FIELDS, decimal, columns=columns, unconfirmed_prices=unconfirmed
        )

        def where(name: str, line: int = line) -> str:
            return f"row {line}, column {_column_name(columns, name)}"

        variants.append(
            ShopifyVariant(
                sku=cells.get("sku", ""),
                price=cells.get("price", ""),
                grams=cells.get("grams", ""),
                weight="",
                weight_unit=cells.get("weight_unit", ""),
                options=[cells.get(f"option{n}", "") for n in (1, 2, 3)],
                where=where,
            )
        )

    def product_where(name: str) -> str:
        return f"row {first_line}, column {_column_name(columns, name)}"

    label = f"row {first_line}" if len(rows) == 1 else f"rows {first_line}-{rows[-1][0]}"
    return ShopifyProduct(
        origin=label,
        handle=handle,
        title=first.get("title", ""),
        body_html=first.get("body_html", ""),
        vendor=first.get("vendor", ""),
        category=first.get("category", ""),
        product_type=first.get("product_type", ""),
        seo_description=first.get("seo_description", ""),
        status=first.get("status", ""),
        option_names=[first.get(f"option{n}_name", "") for n in (1, 2, 3)],
        variants=variants,
        where=product_where,
        errors=errors,
    )


def _column_name(columns: dict[str, str], field: str) -> str:
    """Name the file's column for a field, or the export's column that the file lacks."""
    if field in columns:
        return columns[field]
    return f"{COLUMN_LABELS.get(field, field)} (not in the header)"
