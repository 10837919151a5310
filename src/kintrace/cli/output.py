"""The command line's consoles: every value is printed as it is.

Names, places, notes, file names, source names and error messages come from the lists people
import, and a synthetic name such as "Ivan [bold]x[/bold]" or ":star:" must be printed as
written: not styled, not turned into an emoji, and never a Rich MarkupError that ends the
command. So the consoles made here read no markup and no emoji codes in anything they print,
tables included. Where the CLI styles its own words it says so on that call (`markup=True`,
with every value in it passed through `escape`) or builds a `rich.text.Text`.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

__all__ = ["escape", "literal_console"]


def literal_console(*, stderr: bool = False, **options: Any) -> Console:
    """A Rich console that prints text literally (no markup, no emoji codes)."""
    return Console(stderr=stderr, markup=False, emoji=False, **options)
