"""Article files: loading, validation and rendering.

An article is a Markdown file under ``<articles dir>/<locale>/`` (sub-folders
allowed) that starts with YAML front matter::

    ---
    id: reset-password          # joins the translations of one article
    title: Reset your password
    category: account           # optional
    tags: [password, login]     # optional
    status: published           # or draft; optional, published by default
    updated: 2026-10-14         # optional
    revision: 2                 # default locale: bumped when the text changes
    based_on: 2                 # translations: the revision they follow
    ---
    Markdown body...

A file that cannot be used is reported as a :class:`LoadError` with its path
and, where known, its line, and skipped; the other files still load.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from pathlib import Path

import frontmatter
import markdown
import nh3
import yaml
from lxml import html as lxml_html
from markdown.extensions.toc import slugify_unicode

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
STATUSES = ("published", "draft")
KNOWN_FIELDS = {"id", "title", "category", "tags", "status", "updated", "revision", "based_on"}

# Tags and attributes an article may use once rendered; everything else is
# removed by nh3, so a writer's stray <script> or onclick never reaches a page.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclasses.dataclass(frozen=True)
class LoadError:
    """Why one file was skipped."""

    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclasses.dataclass(frozen=True)
class Article:
    id: str
    locale: str
    title: str
    body: str
    html: str
    text: str
    headings: tuple[str, ...]
    path: Path
    category: str | None = None
    tags: tuple[str, ...] = ()
    status: str = "published"
    updated: dt.date | None = None
    revision: int | None = None
    based_on: int | None = None
    # Front-matter keys the help center does not know (``kb check`` reports them).
    unknown_fields: tuple[str, ...] = ()

    @property
    def published(self) -> bool:
        return self.status == "published"


class ArticleFileError(Exception):
    def __init__(self, message: str, line: int | None = None, *, problems: list | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.problems = problems or [(message, line)]


_renderers = threading.local()


def render_markdown(body: str) -> str:
    r"""Render Markdown to sanitized HTML (tables, fenced code, heading anchors).

    >>> render_markdown("## Hello <b onclick='steal()'>you</b>\n\n<script>x()</script>")
    '<h2 id="hello-you">Hello <b>you</b></h2>\n'
    """
    md = getattr(_renderers, "markdown", None)
    if md is None:
        # Making a Markdown object costs about as much as converting a short
        # article; each thread keeps one and resets it between articles.
        md = _renderers.markdown = markdown.Markdown(
            extensions=["tables", "fenced_code", "toc", "sane_lists"],
            extension_configs={"toc": {"slugify": slugify_unicode}},
            output_format="html",
        )
    html = md.reset().convert(body)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


BLOCK_TAGS = ["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "pre", "blockquote", "dt", "dd", "br", "tr"]


def extract_text(html: str) -> tuple[str, tuple[str, ...]]:
    """The plain text and the headings of rendered HTML, for indexing.

    Each block element ends a line (snippets show prose lines only, never a
    heading or a table cell run into the next); inline ones do not, so
    "<b>API</b> keys." stays "API keys." and not "API keys .".

    >>> extract_text("<h2>Keys</h2><p>Open <b>Settings</b>.</p><ul><li>one</li><li>two</li></ul>")
    ('Keys\\nOpen Settings.\\none\\ntwo', ('Keys',))
    """
    if not html.strip():
        return "", ()
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    headings = tuple(" ".join(h.text_content().split()) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    for block in root.iter(*BLOCK_TAGS):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line), headings


def _line_of_key(front_matter: str, key: str) -> int | None:
    """The file line of ``key:`` in ``front_matter``, the file up to its closing ``---``."""
    for number, line in enumerate(front_matter.splitlines(), start=1):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return number
    return None


def _optional_int(meta: dict, key: str, fm_text: str, problems: list) -> int | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append((f"'{key}' must be a whole number from 1 up, not {value!r}", _line_of_key(fm_text, key)))
        return None
    return value


def text_digest(title: str, body: str) -> str:
    r"""A short fingerprint of an article's text (title and body).

    Trailing spaces and blank lines at the ends do not count, so an editor
    that trims them does not make a change.

    >>> text_digest("Hi", "Text.  \n") == text_digest("Hi", "Text.")
    True
    """
    import hashlib

    lines = [line.rstrip() for line in f"{title.strip()}\n{body}".strip().splitlines()]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def parse_article(path: Path, locale: str) -> Article:
    """Read one article file; raise :class:`ArticleFileError` when it is unusable.

    Every problem of the front matter and body is found before raising: the
    error's ``problems`` lists them all (``kb check`` reports each), its
    message is the first.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not raw.startswith("---"):
        raise ArticleFileError("no front matter: the file must start with a '---' line", 1)
    fm_text = raw.split("\n---", 1)[0]
    try:
        post = frontmatter.loads(raw)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # python-frontmatter hands YAML the text from the end of the first
        # "---" line, so YAML's 0-based line is one less than the file line.
        line = mark.line + 1 if mark is not None else None
        raise ArticleFileError(f"broken YAML front matter: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise ArticleFileError(f"broken YAML front matter: {exc}", 1) from None
    meta = post.metadata
    if not isinstance(meta, dict):
        raise ArticleFileError("the front matter must be a mapping of 'key: value' lines", 2)

    problems: list[tuple[str, int | None]] = []
    for key in ("id", "title"):
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append((f"missing required field '{key}'", _line_of_key(fm_text, key) or 1))
    article_id = str(meta.get("id") or "").strip()
    if article_id and not ID_PATTERN.match(article_id):
        problems.append((f"'id' must be lower-case letters, digits and hyphens, not {meta['id']!r}", _line_of_key(fm_text, "id")))
    title = str(meta.get("title") or "").strip()

    status = meta.get("status", "published")
    if status not in STATUSES:
        problems.append((f"'status' must be one of {', '.join(STATUSES)}, not {status!r}", _line_of_key(fm_text, "status")))

    tags = meta.get("tags") or ()
    if isinstance(tags, str):
        tags = [t for t in (part.strip() for part in tags.split(",")) if t]
    if not isinstance(tags, (list, tuple)) or not all(isinstance(t, (str, int)) for t in tags):
        problems.append(("'tags' must be a list of words", _line_of_key(fm_text, "tags")))
        tags = ()

    updated = meta.get("updated")
    if isinstance(updated, dt.datetime):
        updated = updated.date()
    elif isinstance(updated, str):
        try:
            updated = dt.date.fromisoformat(updated.strip())
        except ValueError:
            problems.append((f"'updated' must be a date like 2026-10-14, not {updated!r}", _line_of_key(fm_text, "updated")))
            updated = None
    elif updated is not None and not isinstance(updated, dt.date):
        problems.append(("'updated' must be a date like 2026-10-14", _line_of_key(fm_text, "updated")))
        updated = None

    category = meta.get("category")
    if category is not None:
        category = str(category).strip()
        if not ID_PATTERN.match(category):
            problems.append((
                f"'category' must be lower-case letters, digits and hyphens, not {meta['category']!r}",
                _line_of_key(fm_text, "category"),
            ))
    revision = _optional_int(meta, "revision", fm_text, problems)
    based_on = _optional_int(meta, "based_on", fm_text, problems)

    body = post.content
    if not body.strip():
        problems.append(("the article has no text after its front matter", fm_text.count("\n") + 3))
    if problems:
        raise ArticleFileError(*problems[0], problems=problems)
    html = render_markdown(body)
    text, headings = extract_text(html)
    return Article(
        id=article_id,
        locale=locale,
        title=title,
        body=body,
        html=html,
        text=text,
        headings=headings,
        path=path,
        category=category,
        tags=tuple(str(t).strip() for t in tags if str(t).strip()),
        status=status,
        updated=updated,
        revision=revision,
        based_on=based_on,
        unknown_fields=tuple(sorted(str(k) for k in meta if k not in KNOWN_FIELDS)),
    )


@dataclasses.dataclass
class ArticleSet:
    """All the articles that loaded, and the files that did not.

    ``stats`` keeps each loaded file's ``(mtime_ns, size)`` as seen just
    before it was read, so an incremental index update can tell which files
    changed since.
    """

    default_locale: str
    articles: dict[tuple[str, str], Article] = dataclasses.field(default_factory=dict)
    errors: list[LoadError] = dataclasses.field(default_factory=list)
    stats: dict[Path, tuple[int, int]] = dataclasses.field(default_factory=dict)
    _by_id: dict[str, dict[str, Article]] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    _indexed_count: int = dataclasses.field(default=-1, repr=False, compare=False)

    def get(self, locale: str, article_id: str) -> Article | None:
        return self.articles.get((locale, article_id))

    def in_locale(self, locale: str, *, published_only: bool = True) -> list[Article]:
        return sorted(
            (a for (loc, _), a in self.articles.items() if loc == locale and (a.published or not published_only)),
            key=lambda a: a.id,
        )

    def translations(self, article_id: str) -> dict[str, Article]:
        """Every locale's version of one article, keyed by locale."""
        # Indexed by id once (and again if articles were added), because
        # indexing asks this for every article: a scan each time would make
        # a build quadratic in the number of articles.
        if self._indexed_count != len(self.articles):
            self._by_id = {}
            for (loc, aid), article in self.articles.items():
                self._by_id.setdefault(aid, {})[loc] = article
            self._indexed_count = len(self.articles)
        return dict(self._by_id.get(article_id, {}))

    def source_revision(self, article_id: str) -> int | None:
        source = self.get(self.default_locale, article_id)
        if source is None:
            return None
        return source.revision or 1

    def is_outdated(self, article: Article) -> bool:
        """True when a translation follows an older revision of its source.

        As in Kitsune, the status comes from the source revision the
        translation was based on; a translation that does not say is not
        flagged.
        """
        if article.locale == self.default_locale or article.based_on is None:
            return False
        source = self.source_revision(article.id)
        return source is not None and article.based_on < source


def load_articles(
    articles_dir: Path | str, locales: tuple[str, ...], default_locale: str, *, jobs: int = 1, progress=None
) -> ArticleSet:
    """Load every ``*.md`` file below ``articles_dir``.

    Files in a folder that is not a configured locale, broken files and
    duplicate ids within one locale are reported in ``errors`` and skipped.
    ``jobs`` > 1 parses in that many processes (the result is the same).
    """
    root = Path(articles_dir)
    if not root.is_dir():
        result = ArticleSet(default_locale=default_locale)
        result.errors.append(LoadError(root, "the articles folder does not exist"))
        return result
    return load_article_files(root, sorted(root.rglob("*.md")), locales, default_locale, jobs=jobs, progress=progress)


# Below this many files, starting processes costs more than it saves.
PARALLEL_MIN_FILES = 2000


def _parse_file(path: Path, locale: str):
    """(stat, article, None), (None, None, error) or None for a vanished file."""
    try:
        stat = path.stat()
        article = parse_article(path, locale)
    except FileNotFoundError:
        return None
    except ArticleFileError as exc:
        return None, None, (exc.message, exc.line)
    return (stat.st_mtime_ns, stat.st_size), article, None


def _parse_files(batch: list[tuple[Path, str]]):
    return [_parse_file(path, locale) for path, locale in batch]


def _parsed(items: list[tuple[Path, str]], jobs: int):
    if jobs <= 1 or len(items) < PARALLEL_MIN_FILES:
        return map(lambda item: _parse_file(*item), items)
    import concurrent.futures
    import itertools
    import multiprocessing

    size = 250
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    # fork: the children need nothing from the parent but the code.
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(itertools.chain.from_iterable(pool.map(_parse_files, batches)))


def load_article_files(
    root: Path,
    paths: list[Path],
    locales: tuple[str, ...],
    default_locale: str,
    *,
    jobs: int = 1,
    progress=None,
) -> ArticleSet:
    """Load the given files below ``root``, as :func:`load_articles` does.

    ``progress``, when given, is called as ``progress("reading", done, total)``.
    """
    result = ArticleSet(default_locale=default_locale)
    first_path: dict[tuple[str, str], Path] = {}
    items = []
    for path in paths:
        relative = path.relative_to(root)
        if len(relative.parts) < 2:
            result.errors.append(LoadError(path, "article files belong in a locale folder such as en/"))
            continue
        locale = relative.parts[0]
        if locale not in locales:
            result.errors.append(
                LoadError(path, f"unknown locale folder {locale!r} (configured: {', '.join(locales)})")
            )
            continue
        items.append((path, locale))
    for done, ((path, locale), parsed) in enumerate(zip(items, _parsed(items, jobs)), 1):
        if progress is not None and (done % 500 == 0 or done == len(items)):
            progress("reading", done, len(items))
        if parsed is None:
            continue  # removed while loading: the next build sees it gone
        stat, article, error = parsed
        if error is not None:
            result.errors.append(LoadError(path, *error))
            continue
        key = (locale, article.id)
        if key in first_path and first_path[key] != path:
            line = _line_of_key(path.read_text(encoding="utf-8").split("\n---", 1)[0], "id")
            result.errors.append(
                LoadError(path, f"duplicate id {article.id!r} in {locale}: already used by {first_path[key]}", line)
            )
            continue
        first_path[key] = path
        result.articles[key] = article
        result.stats[path] = stat
    result.errors.sort(key=lambda e: str(e.path))
    return result
