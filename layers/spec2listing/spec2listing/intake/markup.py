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
        return " ".join(self.paragraphs) or None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs turns &amp;, &nbsp; and &#8217; into characters.
        super().__init__(convert_charrefs=True)
        self.result = DescriptionText()
        self._buffer: list[str] = []
        self._item_depth = 0
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
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
        elif tag == "li":
            self._flush()
            self._item_depth = max(0, self._item_depth - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        # str.split() without arguments also splits on no-break spaces.
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            (self.result.items if self._item_depth else self.result.paragraphs).append(text)


def description_text(markup: str) -> DescriptionText:
    """Extract paragraphs and list items from HTML; plain text comes back as one paragraph."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.result
