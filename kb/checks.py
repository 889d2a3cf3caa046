"""``kb check``: every problem of the articles, the categories and the revisions, in one run.

Each problem has a path, a line where one is known, a severity and a short
code (for CI tools that read ``--format json``). Errors make ``kb check``
exit 1; warnings do not.

Links between articles are written ``[text](reset-password)`` (the id of
another article, resolved in the reader's language) or, equally,
``[text](/fr/articles/reset-password)``; a ``#section`` may follow either.
Images are files beside the article, ``![what it shows](images/plan.png)``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .articles import ID_PATTERN, KNOWN_FIELDS, Article, ArticleFileError, ArticleSet, parse_article
from .categories import Categories, load_categories
from .revisions import RevisionsError, read_revisions, revision_problem

ERROR, WARNING = "error", "warning"

# [text](target) and ![alt](target), not inside code spans.
LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
ARTICLE_PATH = re.compile(r"^/([A-Za-z_]+)/articles/([^/#?]+)/?(#.*)?$")


@dataclasses.dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line or None, "severity": self.severity, "code": self.code, "message": self.message}


@dataclasses.dataclass
class Report:
    problems: list[Problem] = dataclasses.field(default_factory=list)
    articles: ArticleSet | None = None
    categories: Categories | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]


def display_path(path: Path | str) -> str:
    """A path relative to the working directory when it is below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def line_of(path: Path, needle: str, start: int = 1) -> int:
    """The first file line (from ``start``) that contains ``needle``; 0 when none does."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    for number, line in enumerate(lines[start - 1 :], start):
        if needle in line:
            return number
    return 0


def front_matter_line(path: Path, key: str) -> int:
    try:
        head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
    except (OSError, UnicodeDecodeError):
        return 0
    for number, line in enumerate(head.splitlines(), 1):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return number
    return 0


def _strip_code(body: str) -> str:
    """The body with fenced blocks and code spans blanked (lines kept), so links inside code are not links."""
    body = re.sub(r"^(```|~~~).*?^\1", lambda m: "\n" * m.group(0).count("\n"), body, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), body)


def links_of(body: str) -> list[tuple[bool, str, str]]:
    """``(is_image, text, target)`` of each Markdown link and image outside code.

    >>> links_of("See [Reset](reset-password) and `[x](y)` ![Plan](img/plan.png).")
    [(False, 'Reset', 'reset-password'), (True, 'Plan', 'img/plan.png')]
    """
    return [(bool(m.group(1)), m.group(2), m.group(3)) for m in LINK.finditer(_strip_code(body))]


def article_link_target(target: str) -> tuple[str | None, str] | None:
    """``(locale or None, id)`` when a link target points at an article, else None.

    >>> article_link_target("reset-password#still-cant-get-in")
    (None, 'reset-password')
    >>> article_link_target("/fr/articles/hacked-account")
    ('fr', 'hacked-account')
    >>> article_link_target("https://example.com/x") is None
    True
    """
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "//")):
        return None
    match = ARTICLE_PATH.match(target)
    if match:
        return match.group(1), match.group(2)
    bare = target.split("#", 1)[0].rstrip("/")
    if ID_PATTERN.match(bare) and "." not in bare:
        return None, bare
    return None


def check_articles(
    articles_dir: Path | str, locales: tuple[str, ...], default_locale: str, *, consistency: bool = True,
    catalog_dir: Path | None = None,
) -> Report:
    """Check every article file below ``articles_dir`` and the files beside them.

    ``catalog_dir``, when given, is the folder of the interface catalogs,
    checked against the same glossary and typography.
    """
    from .articles import load_articles

    root = Path(articles_dir)
    report = Report()

    def add(path, line, severity, code, message):
        report.problems.append(Problem(display_path(path), line or 0, severity, code, message))

    if not root.is_dir():
        add(root, 0, ERROR, "no-articles", "the articles folder does not exist")
        return report
    missing_locales = [loc for loc in locales if not (root / loc).is_dir()]
    if len(missing_locales) == len(locales):
        add(root, 0, ERROR, "no-locale-folders",
            f"not an articles folder: it has none of the locale folders {', '.join(locales)}")
        return report

    # Files that do not load: every problem of each, not only the first.
    articles = load_articles(root, locales, default_locale)
    report.articles = articles
    for error in articles.errors:
        if "duplicate id" in error.message:
            add(error.path, error.line, ERROR, "duplicate-id", error.message)
            continue
        if error.path.suffix == ".md" and error.path.exists() and len(error.path.relative_to(root).parts) >= 2:
            try:
                parse_article(error.path, error.path.relative_to(root).parts[0])
            except ArticleFileError as exc:
                for message, line in exc.problems:
                    add(error.path, line, ERROR, "front-matter" if "no text" not in message else "empty-body", message)
                continue
        add(error.path, error.line, ERROR, "unusable-file", error.message)

    categories = load_categories(root, locales, default_locale)
    report.categories = categories
    for error in categories.errors:
        add(error.path, error.line, ERROR, "categories", error.message)
    for warning in categories.warnings:
        add(warning.path, warning.line, WARNING, "categories", warning.message)

    try:
        revisions = read_revisions(root)
    except RevisionsError as exc:
        add(root / "revisions.yaml", 1, ERROR, "revisions", str(exc))
        revisions = {}

    by_id: dict[str, dict[str, Article]] = {}
    for (locale, article_id), article in articles.articles.items():
        by_id.setdefault(article_id, {})[locale] = article

    for (locale, article_id), article in sorted(articles.articles.items()):
        path = article.path
        for key in article.unknown_fields:
            add(path, front_matter_line(path, key), ERROR, "unknown-key",
                f"unknown front-matter key {key!r} (known: {', '.join(sorted(KNOWN_FIELDS))})")
        if article.category is None:
            add(path, 2, WARNING, "no-category", "no 'category': the article is listed under 'Other questions'")
        elif categories.items and article.category not in categories.ids:
            add(path, front_matter_line(path, "category"), ERROR, "unknown-category",
                f"unknown category {article.category!r} (declared in {display_path(categories.path)}: {', '.join(categories.ids)})")
        source = by_id[article_id].get(default_locale)
        if locale == default_locale:
            if article.based_on is not None:
                add(path, front_matter_line(path, "based_on"), ERROR, "based-on-in-source",
                    f"'based_on' belongs in translations; a {default_locale} article has a 'revision'")
            if article.published:
                problem = revision_problem(article, revisions.get(article_id))
                if problem:
                    add(path, front_matter_line(path, "revision") or front_matter_line(path, "id"), ERROR, "unrecorded-change", problem)
        else:
            if article.revision is not None:
                add(path, front_matter_line(path, "revision"), ERROR, "revision-in-translation",
                    "'revision' belongs in the source article; a translation says which one it follows with 'based_on'")
            if source is None:
                add(path, front_matter_line(path, "id"), ERROR, "no-source",
                    f"translation without a source: no {default_locale}/ article has id {article_id!r}")
            else:
                source_revision = source.revision or 1
                if article.based_on is None:
                    add(path, front_matter_line(path, "id"), ERROR, "no-based-on",
                        f"missing 'based_on': the revision of the {default_locale} article this translation follows (now {source_revision})")
                elif article.based_on > source_revision:
                    add(path, front_matter_line(path, "based_on"), ERROR, "based-on-ahead",
                        f"'based_on: {article.based_on}' is above the source's revision {source_revision}")
                if article.category != source.category:
                    add(path, front_matter_line(path, "category") or 2, ERROR, "category-differs",
                        f"category {article.category!r} differs from the source's {source.category!r}")
                if article.published and not source.published:
                    add(path, front_matter_line(path, "status") or 2, WARNING, "source-draft",
                        "published translation of a draft source: it is public before the source")
        _check_links(article, by_id, root, add)

    for article_id in sorted(set(revisions) - {aid for (loc, aid) in articles.articles if loc == default_locale}):
        add(root / "revisions.yaml", line_of(root / "revisions.yaml", f"{article_id}:"), WARNING, "revisions",
            f"{article_id!r} is recorded but has no {default_locale} article (removed? delete its entry)")

    if consistency:
        from .consistency import check_consistency

        for problem in check_consistency(articles, root, catalog_dir):
            report.problems.append(problem)
    report.problems.sort()
    return report


def _check_links(article: Article, by_id: dict, root: Path, add) -> None:
    path = article.path
    for is_image, text, target in links_of(article.body):
        line = line_of(path, f"({target}", 1)
        if is_image:
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            if target.startswith("/"):
                add(path, line, ERROR, "image-path", f"image {target!r}: give the path relative to the article file")
            elif not (path.parent / target.split("#", 1)[0]).is_file():
                add(path, line, ERROR, "missing-image", f"missing image {target!r} (no such file beside the article)")
            if not text.strip():
                add(path, line, WARNING, "image-alt", f"image {target!r} has no alternative text")
            continue
        linked = article_link_target(target)
        if linked is None:
            if target.startswith("/") and not target.startswith("//"):
                add(path, line, WARNING, "link-form", f"link {target!r} is not an article link; write [text](article-id)")
            continue
        locale, target_id = linked
        versions = by_id.get(target_id)
        if not versions:
            add(path, line, ERROR, "broken-link", f"broken link: no article has id {target_id!r}")
        elif locale is not None and locale != article.locale:
            add(path, line, WARNING, "link-locale",
                f"link to the {locale} version of {target_id!r} from a {article.locale} article: write [{text}]({target_id})")
