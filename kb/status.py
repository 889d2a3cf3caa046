"""The translation matrix of ``kb status`` and the admin's translations page."""

from __future__ import annotations

import dataclasses

from .articles import ArticleSet

OK, OUTDATED, MISSING, DRAFT = "ok", "outdated", "missing", "draft"
STATES = (OK, OUTDATED, MISSING, DRAFT)


@dataclasses.dataclass
class Row:
    id: str
    title: str
    revision: int
    states: dict[str, str]
    based_on: dict[str, int | None]


@dataclasses.dataclass
class Matrix:
    locales: tuple[str, ...]
    default_locale: str
    rows: list[Row]
    # Published source articles: what coverage is counted against.
    total: int

    def coverage(self, locale: str) -> float:
        """Share of published source articles with an up-to-date published version in ``locale``."""
        if not self.total:
            return 1.0
        done = sum(1 for row in self.rows if row.states.get(locale) == OK and row.states.get(self.default_locale) == OK)
        return done / self.total

    def counts(self, locale: str) -> dict[str, int]:
        return {state: sum(1 for row in self.rows if row.states.get(locale) == state) for state in STATES}

    def todo(self) -> Matrix:
        rows = [r for r in self.rows if any(s != OK for s in r.states.values())]
        return dataclasses.replace(self, rows=rows)

    def to_dict(self) -> dict:
        return {
            "default_locale": self.default_locale,
            "locales": {
                loc: {"coverage": round(self.coverage(loc), 4), **self.counts(loc)} for loc in self.locales
            },
            "articles": [
                {
                    "id": row.id, "title": row.title, "revision": row.revision,
                    "locales": {loc: {"state": row.states[loc], "based_on": row.based_on.get(loc)} for loc in self.locales},
                }
                for row in self.rows
            ],
        }

    def table(self) -> str:
        """A plain-text table: one line per article, one column per locale."""
        width = max([len("article"), *(len(r.id) for r in self.rows)])
        column = max(len(s) for s in STATES) + 1
        lines = ["article".ljust(width) + "  " + "".join(loc.ljust(column) for loc in self.locales)]
        for row in self.rows:
            lines.append(row.id.ljust(width) + "  " + "".join(row.states[loc].ljust(column) for loc in self.locales))
        lines.append("")
        lines.append("coverage".ljust(width) + "  " + "".join(f"{self.coverage(loc):.0%}".ljust(column) for loc in self.locales))
        for loc in self.locales:
            counts = self.counts(loc)
            lines.append(f"{loc}: " + ", ".join(f"{counts[s]} {s}" for s in STATES))
        return "\n".join(lines).rstrip() + "\n"


def translation_status(articles: ArticleSet, locales: tuple[str, ...], default_locale: str) -> Matrix:
    """Each article (by id, sources first) in each locale: ok, outdated, missing or draft."""
    ids = sorted({aid for _loc, aid in articles.articles})
    rows = []
    for article_id in ids:
        versions = articles.translations(article_id)
        source = versions.get(default_locale)
        states, based_on = {}, {}
        for locale in locales:
            article = versions.get(locale)
            if article is None:
                states[locale] = MISSING
            elif not article.published:
                states[locale] = DRAFT
            elif locale != default_locale and (article.based_on is None or articles.is_outdated(article)):
                states[locale] = OUTDATED
            else:
                states[locale] = OK
            based_on[locale] = article.based_on if article is not None and locale != default_locale else None
        title = (source or next(iter(versions.values()))).title
        rows.append(Row(article_id, title, articles.source_revision(article_id) or 0, states, based_on))
    total = sum(1 for aid in ids if (s := articles.get(default_locale, aid)) is not None and s.published)
    return Matrix(locales, default_locale, rows, total)
