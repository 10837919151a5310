"""Marking interface messages for translation in layers below the web.

A service raises an error whose text is a catalogue message id; the web translates it where it
is shown and the command line prints it as written. The strings are extracted by the web's
catalogue (src/kintrace/web/locale/babel.cfg lists the modules that use `N_`).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message
