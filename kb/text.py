"""Control characters: one definition for the forms, the search and the attachments."""

from __future__ import annotations

import re

# C0 controls and DEL; tab and line breaks among them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(text: str, allowed: str = "") -> bool:
    """True when ``text`` holds a control character other than those in ``allowed``.

    >>> has_control_characters("one line"), has_control_characters("two\\nlines")
    (False, True)
    >>> has_control_characters("two\\nlines", allowed="\\n")
    False
    """
    return any(c not in allowed for c in CONTROL_CHARACTERS.findall(text))
