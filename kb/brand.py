"""The brand: colour checks for contrast (WCAG 2.2), and the favicon drawn in that colour.

>>> round(contrast("#ffffff", "#000000"), 1)
21.0
>>> check_brand_color("#1d4ed8")
'#1d4ed8'
>>> check_brand_color("#ffd400")
Traceback (most recent call last):
...
ValueError: KB_BRAND_COLOR #ffd400 is too light: against white (button text, page) its contrast is only 1.3:1, at least 4.5:1 is needed
"""

from __future__ import annotations

import re
import struct
import zlib

MIN_CONTRAST = 4.5  # WCAG 2.2 AA for normal text
# The backgrounds brand-coloured text sits on (style.css: --bg, --surface,
# --surface-raised, --brand-soft), in the light and in the dark scheme.
LIGHT_SURFACES = ("#ffffff", "#f5f7fb", "#eef3ff")
DARK_SURFACES = ("#11161f", "#171e2a", "#1c2431", "#1b2640")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def _luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_brand_color(value: str) -> str:
    """The colour, lower-cased, if white text on it (buttons) and it on the light surfaces (links) are readable."""
    value = value.strip()
    if not _HEX.match(value):
        raise ValueError(f"KB_BRAND_COLOR must be a colour such as #1d4ed8, not {value!r}")
    ratio = min(contrast(value, surface) for surface in LIGHT_SURFACES)
    if ratio < MIN_CONTRAST:
        raise ValueError(
            f"KB_BRAND_COLOR {value} is too light: against white (button text, page) its contrast is only {ratio:.1f}:1, "
            f"at least {MIN_CONTRAST}:1 is needed"
        )
    return value.lower()


def lighten_for_dark(color: str, surfaces: tuple[str, ...] = DARK_SURFACES) -> str:
    """The brand colour mixed with white until it reads on every dark-mode surface.

    >>> all(contrast(lighten_for_dark("#1d4ed8"), s) >= MIN_CONTRAST for s in DARK_SURFACES)
    True
    """
    r, g, b = _rgb(color)
    for step in range(0, 101, 5):
        mixed = "#" + "".join(f"{round(v + (255 - v) * step / 100):02x}" for v in (r, g, b))
        if all(contrast(mixed, surface) >= MIN_CONTRAST for surface in surfaces):
            return mixed
    return "#ffffff"


# A question mark, 5 × 7 pixels, drawn white on the brand colour.
_GLYPH = ("01110", "10001", "00001", "00110", "00100", "00000", "00100")


def favicon_png(color: str, size: int = 32) -> bytes:
    """A square PNG icon: the brand colour with rounded corners and a white question mark."""
    r, g, b = _rgb(color)
    scale, left, top = 4, 6, 2
    radius = 6
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type: none
        for x in range(size):
            cx, cy = min(x, size - 1 - x), min(y, size - 1 - y)
            outside = cx < radius and cy < radius and (radius - cx - 0.5) ** 2 + (radius - cy - 0.5) ** 2 > radius**2
            gx, gy = (x - left) // scale, (y - top) // scale
            white = 0 <= gx < 5 and 0 <= gy < 7 and x >= left and y >= top and _GLYPH[gy][gx] == "1"
            if outside:
                row += b"\x00\x00\x00\x00"
            elif white:
                row += b"\xff\xff\xff\xff"
            else:
                row += bytes((r, g, b, 255))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


def favicon_ico(color: str) -> bytes:
    """The PNG icon wrapped in the ICO container browsers ask for at ``/favicon.ico``.

    >>> icon = favicon_ico("#1d4ed8")
    >>> icon[:4], icon[22:26]
    (b'\\x00\\x00\\x01\\x00', b'\\x89PNG')
    """
    png = favicon_png(color)
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 32, 32, 0, 0, 1, 32, len(png), 22) + png
