"""Text from input files, made safe to print on a terminal."""

import re

from rich.markup import escape

from spec2listing.types import code_point, mark_hidden

# Line and paragraph separators too, which some terminals and log viewers also break lines at.
_LINE_BREAKS = re.compile("[\r\n\u2028\u2029]")


def shown(text: str) -> str:
    """Write text for a rich console: hidden characters and line breaks as [U+XXXX], markup escaped.

    Field paths and file names come from the input, and an escape sequence in a
    JSON key or CSV header would otherwise reach the terminal and act there.
    """
    marked = mark_hidden(text, lambda character: f"[{code_point(character)}]")
    return escape(_LINE_BREAKS.sub(lambda match: f"[{code_point(match.group(0))}]", marked))
