"""Which variant of its language each locale folder is written in: ``<articles dir>/locales.yaml``.

The Portuguese articles are written in Brazilian Portuguese and serve
readers in Portugal too: the pages announce them as ``hreflang="pt-BR"`` and
``hreflang="pt-PT"``, and the search knows both variants' words (see
``search/synonyms/pt.txt``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

FILENAME = "locales.yaml"


def load_variants(articles_dir: Path | str) -> dict[str, dict]:
    """``{locale: {"variant": tag, "also_serves": [tags]}}``; an empty mapping without the file."""
    try:
        data = yaml.safe_load((Path(articles_dir) / FILENAME).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    return {
        str(locale): {"variant": str(entry.get("variant") or locale), "also_serves": [str(t) for t in entry.get("also_serves") or []]}
        for locale, entry in data.items()
        if isinstance(entry, dict)
    }


def hreflangs(locale: str, variants: dict[str, dict]) -> list[str]:
    """The ``hreflang`` values of a locale's pages.

    >>> hreflangs("pt", {"pt": {"variant": "pt-BR", "also_serves": ["pt-PT"]}})
    ['pt-BR', 'pt-PT']
    >>> hreflangs("de", {})
    ['de']
    """
    entry = variants.get(locale)
    if not entry:
        return [locale]
    return [entry["variant"], *entry["also_serves"]]
