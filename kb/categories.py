"""The help center's categories, declared once in ``<articles dir>/categories.yaml``.

Each entry has an ``id`` (what an article's ``category:`` names), an
``icon`` name, and ``names`` and ``descriptions`` per locale; the file's
order is the order pages show them in::

    - id: billing
      icon: credit-card
      names: {en: Billing and plans, fr: Facturation et formules}
      descriptions: {en: Plans, invoices and refunds., fr: Formules, factures et remboursements.}

An article naming a category that is not declared is an error of
``kb check``; the pages still show it, under its id.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from .articles import ID_PATTERN, LoadError

FILENAME = "categories.yaml"
FIELDS = {"id", "icon", "names", "descriptions"}


@dataclasses.dataclass(frozen=True)
class Category:
    id: str
    icon: str
    names: dict[str, str]
    descriptions: dict[str, str]
    line: int | None = None

    def name(self, locale: str, default_locale: str) -> str:
        return self.names.get(locale) or self.names.get(default_locale) or self.id

    def description(self, locale: str, default_locale: str) -> str:
        return self.descriptions.get(locale) or self.descriptions.get(default_locale) or ""


@dataclasses.dataclass
class Categories:
    """The declared categories, in order, and the problems of their file."""

    path: Path
    default_locale: str
    items: list[Category] = dataclasses.field(default_factory=list)
    errors: list[LoadError] = dataclasses.field(default_factory=list)
    warnings: list[LoadError] = dataclasses.field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.items]

    def get(self, category_id: str | None) -> Category | None:
        return next((c for c in self.items if c.id == category_id), None)

    def name(self, category_id: str, locale: str) -> str:
        category = self.get(category_id)
        return category.name(locale, self.default_locale) if category else category_id.replace("-", " ").capitalize()

    def position(self, category_id: str | None) -> int:
        ids = self.ids
        return ids.index(category_id) if category_id in ids else len(ids)


def _line_of_id(text: str, category_id: str) -> int | None:
    pattern = re.compile(rf"^\s*-?\s*id:\s*['\"]?{re.escape(category_id)}['\"]?\s*$")
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def load_categories(articles_dir: Path | str, locales: tuple[str, ...], default_locale: str) -> Categories:
    """Read ``categories.yaml``; every problem is collected, none raised."""
    path = Path(articles_dir) / FILENAME
    result = Categories(path=path, default_locale=default_locale)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        result.errors.append(LoadError(path, "no categories file: declare the categories here (see docs/writing.md)"))
        return result
    try:
        entries = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        result.errors.append(LoadError(path, f"broken YAML: {exc.problem or exc}", mark.line + 1 if mark else None))
        return result
    if not isinstance(entries, list):
        result.errors.append(LoadError(path, "expected a list of categories ('- id: ...' entries)", 1))
        return result
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not entry.get("id"):
            result.errors.append(LoadError(path, f"category #{number} has no 'id'"))
            continue
        category_id = str(entry["id"])
        line = _line_of_id(text, category_id)
        problems = []
        if not ID_PATTERN.match(category_id):
            problems.append(f"category id {category_id!r} must be lower-case letters, digits and hyphens")
        if category_id in result.ids:
            problems.append(f"category {category_id!r} is declared twice")
        unknown = sorted(str(k) for k in entry if k not in FIELDS)
        if unknown:
            problems.append(f"category {category_id!r}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(FIELDS))})")
        tables = {}
        for key in ("names", "descriptions"):
            table = entry.get(key) or {}
            if not isinstance(table, dict):
                problems.append(f"category {category_id!r}: '{key}' must map locales to text")
                table = {}
            tables[key] = {str(k): str(v).strip() for k, v in table.items() if v}
            if default_locale not in tables[key]:
                problems.append(f"category {category_id!r}: '{key}' has no {default_locale!r} text")
            missing = [loc for loc in locales if loc != default_locale and loc not in tables[key]]
            if missing:
                result.warnings.append(LoadError(path, f"category {category_id!r}: '{key}' not translated into {', '.join(missing)}", line))
            strange = sorted(set(tables[key]) - set(locales))
            if strange:
                problems.append(f"category {category_id!r}: '{key}' for unknown locale(s) {', '.join(strange)}")
        if not entry.get("icon"):
            problems.append(f"category {category_id!r} has no 'icon'")
        result.errors.extend(LoadError(path, p, line) for p in problems)
        if category_id not in result.ids:
            result.items.append(Category(category_id, str(entry.get("icon") or ""), tables["names"], tables["descriptions"], line))
    return result
