"""CSV as spreadsheets save it: encoding, delimiter, line endings and decimal marks.

Excel in many European locales saves "CSV" with ';' between cells, a decimal
comma ("29,90") and, on Windows, in Windows-1252 with CRLF line endings. The
delimiter is detected from the header and the first rows, and the decimal mark
from the number cells. A file whose delimiter or decimal mark stays ambiguous
is rejected with the option that settles it, never guessed.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import NamedTuple, cast

from pydantic import BaseModel

from spec2listing.errors import FieldError
from spec2listing.intake.field_errors import show_value
from spec2listing.intake.options import DecimalMark, Delimiter, ReadOptions
from spec2listing.intake.text import decode_text

DELIMITERS: tuple[Delimiter, ...] = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
DECIMAL_NAMES = {".": "point", ",": "comma"}
SAMPLE_RECORDS = 50
# Maximum length of a cell the reader splits, in characters. The csv module's default of 131,072 rejected a
# whole file for one oversized cell. At this size the cell reaches the product's own field limits, which
# reject only its product.
MAX_CELL_CHARACTERS = 16 * 1024 * 1024

_GROUP = r"[ \u00a0\u202f]"
# Number shapes and the decimal mark each one proves; None: could be either. A leading 0 is never a
# thousands group, so "0.500" proves a decimal point.
_NUMBER_SHAPES: tuple[tuple[re.Pattern[str], DecimalMark | None], ...] = (
    (re.compile(r"^(?!0[.,])\d{1,3}[.,]\d{3}$"), None),
    (re.compile(r"^\d+\.\d+$"), "."),
    (re.compile(r"^\d+,\d+$"), ","),
    (re.compile(r"^\d{1,3}(,\d{3})+\.\d+$"), "."),
    (re.compile(r"^\d{1,3}(\.\d{3})+,\d+$"), ","),
    (re.compile(r"^\d{1,3}(,\d{3}){2,}$"), "."),
    (re.compile(r"^\d{1,3}(\.\d{3}){2,}$"), ","),
    (re.compile(rf"^\d{{1,3}}({_GROUP}\d{{3}})+\.\d+$"), "."),
    (re.compile(rf"^\d{{1,3}}({_GROUP}\d{{3}})+,\d+$"), ","),
)
# A number that reads as thousandths with one mark and as a whole number with the other: "1.299", "1,299".
_UNDECIDED_SHAPE = _NUMBER_SHAPES[0][0]
# The line Excel reads, and writes on request, to name a file's delimiter: "sep=;".
# Excel's first line naming the delimiter, as Excel writes it (sep=;) or quoted by other tools ("sep=;", sep=";").
_SEP_LINE = re.compile(r"(?:\"sep=([,;\t|])\"|sep=\"?([,;\t|])\"?)[ \t]*\r?\n", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_PRICE_CELL = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_GROUPED = re.compile(r"[0-9]{1,3}(?P<mark>[ \u00a0\u202f.,])[0-9]{3}((?P=mark)[0-9]{3})*")


class CsvTable(BaseModel):
    """A decoded, split CSV file: header and data rows with their line numbers."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    delimiter: Delimiter

    def dialect(self) -> dict[str, str]:
        return {"encoding": self.encoding, "delimiter": DELIMITER_NAMES[self.delimiter]}


def read_table(
    file: str,
    data: bytes,
    options: ReadOptions,
    *,
    header_score: Callable[[list[str]], int],
    default_delimiter: Delimiter = ",",
) -> CsvTable | FieldError:
    """Decode and split a CSV upload; `header_score` rates how well a header matches a known layout."""
    decoded = decode_text(file, data, encoding=options.encoding, legacy=True)
    if isinstance(decoded, FieldError):
        return decoded
    text = decoded.text
    if not text.strip():
        return FieldError(
            file=file,
            path="(file)",
            message="the file is empty",
            expected="a header row and one row per variant",
        )
    named = _SEP_LINE.match(text)
    if named is not None:
        given = cast(Delimiter, named.group(1) or named.group(2))
        delimiter: Delimiter | FieldError = options.delimiter or given
        # Written plainly, so that the quotes of sep=";" do not open a cell; the line count stays the same.
        ending = "\r\n" if named.group(0).endswith("\r\n") else "\n"
        text = f"sep={given}{ending}" + text[named.end() :]
    else:
        delimiter = options.delimiter or _detect_delimiter(file, text, header_score, default_delimiter)
    if isinstance(delimiter, FieldError):
        return delimiter
    records = _records(text, delimiter)
    if isinstance(records, _Unreadable):
        return records.field_error(file, text)
    if named is not None:
        records = records[1:]
    header = [cell.strip() for cell in records[0].cells] if records else []
    swallowed = _swallowed_rows(text, delimiter, records, header)
    if swallowed is not None:
        return swallowed.field_error(file, text)
    # Rows are numbered as a spreadsheet numbers them, so a quoted cell over several lines is in one row. The
    # "sep=" line counts as row 1, as the file shows it (Excel hides it, other spreadsheets do not).
    rows = [
        (number, record.cells)
        for number, record in enumerate(records[1:], start=3 if named else 2)
        if any(cell.strip() for cell in record.cells)
    ]
    rows = _without_trailing_delimiters(rows, len(header))
    unnamed = _without_empty_unnamed_columns(file, header, rows)
    if isinstance(unnamed, FieldError):
        return unnamed
    header, rows = unnamed
    return CsvTable(header=header, rows=rows, encoding=decoded.encoding, delimiter=delimiter)


def _without_trailing_delimiters(rows: list[tuple[int, list[str]]], width: int) -> list[tuple[int, list[str]]]:
    """Drop the empty cells that delimiters ending each row leave, when most rows end so.

    Most rows then have the same number of empty cells past the header's
    width, and exactly that many are dropped from the end of every row. So
    a row that also contains an unquoted delimiter still has a cell too many,
    and is reported. In a file that does not end its rows so, it always is.
    """
    extra = Counter(
        len(cells) - width for _, cells in rows if len(cells) > width and not any(c.strip() for c in cells[width:])
    )
    if not extra:
        return rows
    count, rows_ending = extra.most_common(1)[0]
    if 2 * rows_ending <= len(rows):
        return rows
    return [
        (line, cells[:-count] if not any(cell.strip() for cell in cells[-count:]) else cells) for line, cells in rows
    ]


def _trimmed(cells: list[str], width: int) -> list[str]:
    """Drop empty cells from the end of a row, down to `width` cells."""
    end = len(cells)
    while end > width and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _without_empty_unnamed_columns(
    file: str, header: list[str], rows: list[tuple[int, list[str]]]
) -> tuple[list[str], list[tuple[int, list[str]]]] | FieldError:
    """Drop columns with no name and no values, which spreadsheets leave after the last real column.

    An unnamed column that contains a value is an error, because no field
    can be named for the value.
    """
    unnamed = [index for index, name in enumerate(header) if not name]
    if not unnamed:
        return header, rows
    for index in unnamed:
        for line, cells in rows:
            if index < len(cells) and cells[index].strip():
                return FieldError(
                    file=file,
                    path=f"row {line}, column {index + 1}",
                    value=show_value(cells[index]),
                    message=f"column {index + 1} has no name in the header but contains values",
                    expected=f"a column name in the header for column {index + 1}, or the column deleted",
                )
    named = [index for index, name in enumerate(header) if name]
    width = len(header)
    return [header[index] for index in named], [
        (line, [cells[index] for index in named if index < len(cells)] + cells[width:]) for line, cells in rows
    ]


class _Record(NamedTuple):
    line: int
    last_line: int
    cells: list[str]


class _Unreadable(NamedTuple):
    """A place where the csv module could not split the text, usually a quote it could not match.

    It is named by its line in the file, which is where an editor shows the quote: before it, the rows of
    a spreadsheet and the lines of the text may already differ.
    """

    line: int
    reason: str
    last_line: int = 0

    def field_error(self, file: str, text: str) -> FieldError:
        lines = io.StringIO(text, newline="").readlines()
        first_line = show_value(lines[self.line - 1].rstrip("\r\n")) if self.line <= len(lines) else None
        if self.reason == "swallowed":
            message = (
                f"the quoted cell that starts on line {self.line} runs to line {self.last_line} "
                "and contains whole rows; a quote is probably not closed"
            )
        elif "end of data" in self.reason:
            message = f"the quoted cell that starts on line {self.line} is never closed"
        elif "expected after" in self.reason:
            message = f"a quote inside the quoted cell on line {self.line} is not doubled"
        elif "field limit" in self.reason:
            return FieldError(
                file=file,
                path=f"line {self.line}",
                value=first_line,
                message=f"a cell on line {self.line} is longer than {MAX_CELL_CHARACTERS:,} characters",
                expected="shorter cells; a summary, for one, holds at most 5,000 characters",
            )
        else:
            message = f"line {self.line} cannot be read as CSV: {self.reason}"
        return FieldError(
            file=file,
            path=f"line {self.line}",
            value=first_line,
            message=message,
            expected='a closing quote at the end of the quoted cell, and "" for each quote inside it, '
            'such as "A mug 12"" tall"',
        )


def _records(text: str, delimiter: str, limit: int | None = None) -> list[_Record] | _Unreadable:
    """Split text into records, each with the lines it starts and ends on (a quoted cell may span lines).

    The reader is strict, so a quote that is never closed or a stray quote
    after a quoted cell is an error instead of a cell that swallows the rows
    after it.
    """
    if csv.field_size_limit() < MAX_CELL_CHARACTERS:
        csv.field_size_limit(MAX_CELL_CHARACTERS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[_Record] = []
    line = 1
    try:
        for cells in reader:
            records.append(_Record(line, reader.line_num, cells))
            line = reader.line_num + 1
            if limit is not None and len(records) >= limit:
                break
    except csv.Error as error:
        return _Unreadable(line, str(error))
    return records


def _swallowed_rows(text: str, delimiter: str, records: list[_Record], header: list[str]) -> _Unreadable | None:
    """Find a quoted cell that spans lines, one of which splits into a whole row.

    An unclosed quote that a later quote at the end of a line happens to close
    reads as one long cell and hides the rows between them. A line inside the
    cell that has exactly the header's number of cells is taken as such a row,
    unless it reads as a list written in prose ("red, green, blue"): a space
    follows each of its delimiters and not each of the header's, and no price
    column of the header contains a number on it. Nor is it a row when the
    file's one-line rows agree on a column holding numbers, or on one holding
    text, and the line holds the other kind there ("38,39,40" under sku and
    name). On the record's last line, the quote that closes the cell must then
    sit in that line's last cell.
    """
    width = len(header)
    if width < 2:
        return None
    lines = io.StringIO(text, newline="").readlines()
    header_line = lines[records[0].line - 1 : records[0].line] if records else []
    spaced_header = _spaced_after_delimiters(next(csv.reader(header_line, delimiter=delimiter), []))
    price_columns = [index for index, name in enumerate(header) if "price" in name.lower()]
    column_kinds = _column_kinds([record.cells for record in records[1:] if record.line == record.last_line], width)
    for record in records:
        for number in range(record.line + 1, record.last_line + 1):
            inner = next(csv.reader([lines[number - 1]], delimiter=delimiter), [])
            if len(inner) != width or _unlike_rows(inner, column_kinds):
                continue
            priced = any(_PRICE_CELL.fullmatch(inner[index].strip()) for index in price_columns)
            if _spaced_after_delimiters(inner) and not spaced_header and not priced:
                continue
            if number < record.last_line or '"' not in "".join(inner[:-1]):
                return _Unreadable(record.line, "swallowed", last_line=record.last_line)
    return None


def _cell_kind(cell: str) -> str | None:
    """Classify a cell as "number" or "text", or return None for an empty one."""
    cell = cell.strip()
    if not cell:
        return None
    return "number" if _PRICE_CELL.fullmatch(cell) else "text"


def _column_kinds(rows: list[list[str]], width: int) -> list[str | None]:
    """Give, per column, the kind that every non-empty cell of the rows has; None where they differ or are empty."""
    kinds: list[str | None] = []
    for index in range(width):
        found = {_cell_kind(cells[index]) for cells in rows if index < len(cells)} - {None}
        kinds.append(found.pop() if len(found) == 1 else None)
    return kinds


def _unlike_rows(cells: list[str], column_kinds: list[str | None]) -> bool:
    """Tell whether a line has text where the rows all have numbers, or numbers in most of their text columns.

    A number in one text column is not enough, since a catalog may give some
    products numeric SKUs and others SKUs with letters.
    """
    kinds = [(_cell_kind(cell), kind) for cell, kind in zip(cells, column_kinds, strict=True)]
    if any(found == "text" and kind == "number" for found, kind in kinds):
        return True
    text_columns = [found for found, kind in kinds if kind == "text"]
    return 2 * text_columns.count("number") > len(text_columns)


def _spaced_after_delimiters(cells: list[str]) -> bool:
    """Tell whether every cell after the first starts with a space, as a delimiter followed by one leaves it."""
    return len(cells) > 1 and all(cell[:1] in (" ", "\u00a0") for cell in cells[1:])


def _detect_delimiter(
    file: str, text: str, header_score: Callable[[list[str]], int], default: Delimiter
) -> Delimiter | FieldError:
    """Pick the delimiter that splits the header into a known layout and most sampled rows to fit it.

    A candidate must split the header into more than one cell, and at least
    half of the sampled rows into 2 to the header's number of cells. Excel
    leaves out the delimiters of empty cells at the end of some rows, and an
    unquoted delimiter inside a cell makes its row longer, which the reader
    then reports for that row alone. Of the candidates, the one whose header
    best matches a known layout wins, then the one that fits more rows, then
    the one that gives more rows the header's exact width. A tie is an error,
    never a guess.
    """
    candidates: list[tuple[tuple[int, int, int], Delimiter]] = []
    for delimiter in DELIMITERS:
        records = _records(text, delimiter, SAMPLE_RECORDS)
        if isinstance(records, _Unreadable):
            # A quote error further down: a header in a known layout still names the delimiter, so that the
            # reader reports the row with the quote instead of a delimiter it cannot tell.
            header = _header_cells(text, delimiter)
            if len(header) > 1 and header_score(header) > 0:
                candidates.append(((header_score(header), 0, 0), delimiter))
            continue
        if not records:
            continue
        header = [cell.strip() for cell in records[0].cells]
        if len(header) < 2:
            continue
        widths = [
            len(_trimmed(record.cells, 0)) for record in records[1:] if any(cell.strip() for cell in record.cells)
        ]
        fitting = sum(1 for width in widths if 2 <= width <= len(header))
        if 2 * fitting < len(widths):
            continue
        exact = sum(1 for width in widths if width == len(header))
        candidates.append(((header_score(header), fitting, exact), delimiter))
    if not candidates:
        return _without_candidates(file, text, default)
    candidates.sort(key=lambda candidate: candidate[0], reverse=True)
    if len(candidates) > 1 and candidates[0][0] == candidates[1][0]:
        names = " or ".join(DELIMITER_NAMES[delimiter] for _, delimiter in candidates)
        return _delimiter_unknown(file, text, f"the header splits evenly on {names}")
    return candidates[0][1]


def _header_cells(text: str, delimiter: str) -> list[str]:
    """Split the first line of the text into trimmed cells."""
    return [cell.strip() for cell in next(csv.reader(text.splitlines()[:1], delimiter=delimiter), [])]


def _delimiter_unknown(file: str, text: str, reason: str, expected: str = "") -> FieldError:
    return FieldError(
        file=file,
        path="(header)",
        value=show_value(text.splitlines()[0] if text else ""),
        message=f"cannot tell the delimiter: {reason}",
        expected=f"option delimiter (comma, semicolon, tab or pipe){expected}",
    )


def detect_decimal(file: str, cells: Iterable[tuple[str, str]], option: DecimalMark | None) -> DecimalMark | FieldError:
    """Find the decimal mark of the number cells, given as (location, text) pairs.

    '29,90' proves a decimal comma and '29.90' a decimal point; '1.500' or
    '1,500' proves nothing, since it reads as one and a half or as fifteen
    hundred. Proof of both marks, or only unprovable cells that differ between
    the two readings, is an error that names option decimal.
    """
    if option is not None:
        return option
    proofs: dict[DecimalMark, str] = {}
    undecided: str | None = None
    for location, text in cells:
        value = text.strip()
        for pattern, mark in _NUMBER_SHAPES:
            if pattern.match(value):
                if mark is None:
                    undecided = undecided or f"{location} {value!r}"
                else:
                    proofs.setdefault(mark, f"{location} {value!r}")
                break
    if len(proofs) == 2:
        return FieldError(
            file=file,
            path="(file)",
            value=f"{proofs['.']} and {proofs[',']}",
            message="numbers use both a decimal point and a decimal comma",
            expected="one decimal mark for the whole file, or option decimal (point or comma)",
        )
    if proofs:
        return next(iter(proofs))
    if undecided is not None:
        return FieldError(
            file=file,
            path="(file)",
            value=undecided,
            message="cannot tell whether ',' or '.' is the decimal mark",
            expected="option decimal (point or comma), or a number with decimals such as 1.50 or 1,50",
        )
    return "."


def read_number(file: str, path: str, text: str, decimal: DecimalMark) -> str | FieldError:
    """Rewrite one number cell as '1234.5', or explain why it is no number with the file's decimal mark."""
    number = normalize_number(text, decimal)
    if number is not None:
        return number
    example = "29.90" if decimal == "." else "29,90"
    return FieldError(
        file=file,
        path=path,
        value=show_value(text),
        message="not a number",
        expected=f"a number with a decimal {DECIMAL_NAMES[decimal]} such as {example}",
    )


def normalize_number_cells(
    file: str,
    line: int,
    cells: dict[str, str],
    names: Iterable[str],
    decimal: DecimalMark,
    *,
    columns: Mapping[str, str] | None = None,
    unconfirmed_prices: Collection[str] = (),
) -> list[FieldError]:
    """Rewrite the row's non-empty number cells in `names` as '1234.5', in place, and return the cells that fail.

    `columns` maps a field name to the header column that the error names, where the two differ. The cells of
    `unconfirmed_prices` are prices whose decimal mark the file's other numbers decided, not option decimal:
    one written '1.299' or '1,299' is rejected, because a price with three decimals is far more often 1299
    with a thousands mark than a price in thousandths.
    """
    errors = []
    for name in names:
        if not cells.get(name):
            continue
        column = columns.get(name, name) if columns else name
        if name in unconfirmed_prices and _UNDECIDED_SHAPE.match(cells[name].strip()):
            errors.append(_ambiguous_price(file, f"row {line}, column {column}", cells[name], decimal))
            continue
        number = read_number(file, f"row {line}, column {column}", cells[name], decimal)
        if isinstance(number, FieldError):
            errors.append(number)
        else:
            cells[name] = number
    return errors


def _ambiguous_price(file: str, path: str, text: str, decimal: DecimalMark) -> FieldError:
    whole, fraction = re.split(r"[.,]", text.strip())
    if decimal in text:
        message = (
            f"reads as {whole}.{fraction} with the file's decimal {DECIMAL_NAMES[decimal]}, a price in "
            f"thousandths, but may be {whole}{fraction} with a thousands mark"
        )
    else:
        message = (
            f"reads as {whole}{fraction} with the file's decimal {DECIMAL_NAMES[decimal]}, which makes the other "
            f"mark a thousands mark, but may be {whole}.{fraction}, a price in thousandths"
        )
    return FieldError(
        file=file,
        path=path,
        value=show_value(text),
        message=message,
        expected=f"the price with its decimals, such as {whole}{fraction}{decimal}00, or option decimal "
        "(point or comma) to confirm the mark",
    )


def long_row_error(file: str, line: int, cells: list[str], width: int) -> FieldError | None:
    """Report a row with more cells than the header, whose values cannot be matched to columns.

    A shorter row is padded with empty cells instead: Excel leaves out the
    delimiters of empty cells at the end of some rows when it saves CSV.
    """
    if len(cells) <= width:
        return None
    return FieldError(
        file=file,
        path=f"row {line}",
        value=show_value(cells),
        message=f"the row has {len(cells)} cells but the header has {width}, so its values fit no column",
        expected="one cell per header column; quote cells that contain the delimiter",
    )


def missing_columns(file: str, header: list[str], missing: list[str], expected: str) -> FieldError:
    """Report required columns absent from a header."""
    return FieldError(
        file=file,
        path="(header)",
        value=show_value(",".join(header)),
        message="missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing),
        expected=expected,
    )


def normalize_number(text: str, decimal: DecimalMark) -> str | None:
    """Rewrite a number written with `decimal` as '1234.5'; None when the text is no such number.

    Digit groups of three may be separated by a space, a no-break space or the
    other mark ('1.234,50' with a decimal comma, '1,234.50' with a point). A
    leading minus sign is kept.
    """
    value = text.strip()
    # A sign is kept, so that validation reports what is wrong with '-5.00' (too small) instead of calling it no number.
    sign = "-" if value.startswith("-") else ""
    value = value.removeprefix("-")
    whole, separator, fraction = value.partition(decimal)
    if separator and not _DIGITS.fullmatch(fraction):
        return None
    if not _DIGITS.fullmatch(whole):
        grouped = _GROUPED.fullmatch(whole)
        if grouped is None or grouped.group("mark") == decimal:
            return None
        whole = re.sub(r"[^0-9]", "", whole)
    return sign + whole + ("." + fraction if separator else "")


def _without_candidates(file: str, text: str, default: Delimiter) -> Delimiter | FieldError:
    """Fall back on the default delimiter, unless only another one splits the header.

    With the default, the reader reports the rows that do not fit. A header
    that only another delimiter splits would instead be reported as one
    unknown column, with no word of the delimiter.
    """
    if len(_header_cells(text, default)) > 1:
        return default
    splitting = [delimiter for delimiter in DELIMITERS if len(_header_cells(text, delimiter)) > 1]
    if not splitting:
        return default
    names = " or ".join(DELIMITER_NAMES[delimiter] for delimiter in splitting)
    return _delimiter_unknown(
        file,
        text,
        f"the header splits on {names}, but fewer than half of the rows then fit it",
        ", and rows with no more cells than the header",
    )
