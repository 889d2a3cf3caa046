"""The ``kb`` command: index, search and serve the help center.

Settings come from ``KB_*`` environment variables (``kb --help`` lists them).
"""

from __future__ import annotations

import json
import sys

import click

from . import settings


def _settings_help() -> str:
    lines = ["Settings (environment variables):", ""]
    lines += [f"  {s.name}: {s.help}" + (f" Default: {s.default}." if s.default else "") for s in settings.SETTINGS]
    return "\n".join(lines)


class KbGroup(click.Group):
    def format_epilog(self, ctx, formatter):
        formatter.write_paragraph()
        with formatter.indentation():
            for line in _settings_help().splitlines():
                formatter.write(line + "\n")


def _config() -> dict:
    try:
        return settings.load()
    except settings.SettingsError as exc:
        raise click.UsageError(str(exc)) from None


@click.group(cls=KbGroup)
@click.version_option(package_name="kb-helpcenter")
def main():
    """Multilingual help center: articles, search and the contact flow."""


def run_index(config: dict, *, strict: bool = False, quiet: bool = False) -> int:
    """Load the articles and build a new index generation; the exit status."""
    from search.indexing import build_index

    from .articles import load_articles

    articles = load_articles(config["ARTICLES_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"])
    for error in articles.errors:
        click.echo(f"skipped {error}", err=True)
    from search.synonyms import load_synonyms

    synonym_problems = [problem for locale in config["LOCALES"] for problem in load_synonyms(locale)[1]]
    for problem in synonym_problems:
        click.echo(f"synonyms: skipped {problem}", err=True)
    report = build_index(articles, config["INDEX_DIR"], config["LOCALES"])
    if not quiet:
        counts = ", ".join(f"{locale} {count}" for locale, count in report.counts.items())
        click.echo(f"indexed {sum(report.counts.values())} articles ({counts}) in {report.seconds:.2f} s")
        click.echo(f"serving generation {report.generation} from {config['INDEX_DIR']}")
    if articles.errors:
        click.echo(f"{len(articles.errors)} file(s) skipped", err=True)
    if (articles.errors or synonym_problems) and strict:
        return 1
    return 0


@main.command()
@click.option("--strict", is_flag=True, help="Exit with status 1 when any article file or synonym rule was skipped.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
def index(strict: bool, quiet: bool):
    """Build the search indexes from the article files.

    The new indexes are written beside the ones being served and switched to
    in one step, so searches never see a half-built index. Files that cannot
    be used are reported with their path and line, and skipped.
    """
    sys.exit(run_index(_config(), strict=strict, quiet=quiet))


@main.command()
@click.argument("text")
@click.option("--lang", "-l", default=None, help="Locale to search (default: KB_DEFAULT_LOCALE).")
@click.option("--limit", "-n", default=5, show_default=True, type=click.IntRange(1, 20), help="Most results to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON, as /api/suggest does.")
def search(text: str, lang: str | None, limit: int, as_json: bool):
    """Search the help center for TEXT, as the suggest API does."""
    from search.querying import IndexNotBuilt, SearchIndex

    config = _config()
    lang = lang or config["DEFAULT_LOCALE"]
    if lang not in config["LOCALES"]:
        raise click.BadParameter(f"expected one of {', '.join(config['LOCALES'])}", param_hint="--lang")
    search_index = SearchIndex(config["INDEX_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"])
    try:
        hits = search_index.search(text, lang, limit)
        suggestion = search_index.did_you_mean(text, lang) if not hits and text.strip() else None
    except IndexNotBuilt as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        body = {"query": text, "lang": lang, "results": [h.to_dict() for h in hits]}
        if suggestion:
            body["did_you_mean"] = suggestion
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(f"no results; did you mean: {suggestion}" if suggestion else "no results")
    for number, hit in enumerate(hits, start=1):
        other = f" [{hit.locale}]" if hit.locale != lang else ""
        click.echo(f"{number}. {hit.title}{other}  ({hit.url}, score {hit.score:.2f})")


@main.command(name="eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--split", type=click.Choice(["all", "dev", "heldout"]), default="all", show_default=True,
    help="Which queries to score: those used while tuning (dev), the held-out ones, or all.",
)
@click.option("--misses", is_flag=True, help="Also list the queries whose expected article was not ranked first.")
def eval_command(files: tuple[str, ...], split: str, misses: bool):
    """Score the search on judged queries in FILES (tab-separated).

    Each line gives a locale, a kind of query, a split (dev or heldout), the
    id of the article that answers it, and the query. The articles of
    KB_ARTICLES_DIR are indexed twice in a temporary folder, once with the
    help center's search and once with plain Whoosh (StandardAnalyzer, no
    tuning), and MRR@5 and recall@5 are printed for both, per locale and per
    kind, with the median time per query.
    """
    from search.evaluation import QueryFileError, evaluate, read_queries

    from .articles import load_articles

    config = _config()
    try:
        judgements = [j for path in files for j in read_queries(path)]
        judgements = [j for j in judgements if split == "all" or j.split == split]
        if not judgements:
            raise click.ClickException(f"no {split} queries in {', '.join(files)}")
        articles = load_articles(config["ARTICLES_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"])
        for error in articles.errors:
            click.echo(f"skipped {error}", err=True)
        report = evaluate(articles, config["LOCALES"], config["DEFAULT_LOCALE"], judgements, progress=lambda m: click.echo(m, err=True))
    except QueryFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.table())
    if misses:
        click.echo("\nnot first (tuned):")
        for judgement, ids in report.misses:
            click.echo(f"  {judgement.locale} {judgement.kind:<10} {judgement.query!r} -> {judgement.expected}: {', '.join(ids) or 'nothing'}")


@main.command()
@click.option("--host", "-h", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", "-w", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Threads per worker.")
@click.option(
    "--index/--no-index", "build_first", default=None,
    help="Build the index before serving (default: only when none exists yet).",
)
def serve(host: str, port: int, workers: int, threads: int, build_first: bool | None):
    """Serve the help center with gunicorn, a production WSGI server."""
    from search.indexing import current_generation

    from .server import serve_app

    config = _config()
    if build_first or (build_first is None and current_generation(config["INDEX_DIR"]) is None):
        status = run_index(config)
        if status:
            sys.exit(status)
    serve_app(host=host, port=port, workers=workers, threads=threads)


if __name__ == "__main__":
    main()
