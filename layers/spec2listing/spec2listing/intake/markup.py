"""Plain text from the HTML that product descriptions carry (Shopify's Body (HTML), Akeneo rich text)."""

from html.parser import HTMLParser

from pydantic import BaseModel, Field

# Tags that end a run of words, so that text on either side of them never runs together.
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "aside", "header", "footer"}
    | {"main", "nav", "blockquote", "pre", "address", "figure", "figcaption", "details", "summary"}
    | {"ul", "ol", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"}
)
_SKIPPED_TAGS = frozenset({"script", "style", "template"})


class DescriptionText(BaseModel):
    """A description split into running text and list items."""

    paragraphs: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)

    @property
    def summary(self) -> str | None:
        """Join the paragraphs as sentences: a heading or a <br> line without a full stop before another gets one.

        The last paragraph is left as written, so a one-line description reads as the merchant wrote it.
        """
        if not self.paragraphs:
            return None
        return " ".join([*(_as_sentence(paragraph) for paragraph in self.paragraphs[:-1]), self.paragraphs[-1]])


# Marks that end a sentence or a clause, and closing quotes and brackets that may follow them.
_ENDINGS = ".!?…:;。！？"
_CLOSING = "\"'”’»)]"


def _as_sentence(paragraph: str) -> str:
    """End a paragraph with a full stop unless it ends with one already, so it does not run into the next."""
    return paragraph if paragraph.rstrip(_CLOSING)[-1:] in tuple(_ENDINGS) else f"{paragraph}."


class _Collector(HTMLParser):
    """Collect paragraphs and list items. A table row becomes one item, its cells joined as a key and its
    values ("Driver: 11 mm", "Size: S, M, L"), since its cells run together as text would read as one figure."""

    def __init__(self) -> None:
        # convert_charrefs turns &amp;, &nbsp; and &#8217; into characters.
        super().__init__(convert_charrefs=True)
        self.result = DescriptionText()
        self._buffer: list[str] = []
        self._item_depth = 0
        self._skipping = 0
        self._row: list[str] | None = None
        # Whether every cell of the row so far is a header cell, and the header row of the table if it had one.
        self._header_row = False
        self._header: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "tr":
            self._flush()
            self._row = []
            self._header_row = True
        elif tag in ("td", "th") and self._row is not None:
            self._buffer = []
            self._header_row = self._header_row and tag == "th"
        elif tag == "li":
            self._flush()
            self._item_depth += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(" ".join("".join(self._buffer).split()))
            self._buffer = []
        elif tag in ("tr", "table") and self._row is not None:
            self._end_row()
            if tag == "table":
                self._header = []
        elif tag == "li":
            self._flush()
            self._item_depth = max(0, self._item_depth - 1)
        elif tag == "dt":
            # A term names the definition after it ("Care: Wash cold").
            self._flush(suffix=":")
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._end_row()
        self._flush()

    def _end_row(self) -> None:
        """Add the row as an item; a header row names the values of the rows after it ("S: Chest (cm) 96")."""
        row = self._row or []
        self._row = None
        if self._header_row and len(row) > 1:
            self._header = row
            return
        named = [
            f"{self._header[index]} {cell}".strip() if cell and index < len(self._header) else cell
            for index, cell in enumerate(row)
        ]
        cells = [cell for cell in (row[:1] + named[1:]) if cell]
        if len(cells) == 1:
            self.result.items.append(cells[0])
        elif cells:
            self.result.items.append(f"{cells[0]}: {', '.join(cells[1:])}")

    def _flush(self, suffix: str = "") -> None:
        # str.split() without arguments also splits on no-break spaces.
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text and suffix and text[-1] not in _ENDINGS:
            text += suffix
        if text:
            (self.result.items if self._item_depth else self.result.paragraphs).append(text)


def description_text(markup: str) -> DescriptionText:
    """Extract paragraphs and list items from HTML; plain text comes back as one paragraph."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.result
