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


def run_index(config: dict, *, strict: bool = False, quiet: bool = False, changed: bool = False, jobs: int = 1) -> int:
    """Load the articles and build a new index generation; the exit status."""
    from search.indexing import build_index, update_index

    from .articles import load_articles

    if changed:
        report = update_index(config["ARTICLES_DIR"], config["INDEX_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"])
        errors = report.errors
    else:
        articles = load_articles(config["ARTICLES_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"], jobs=jobs)
        report = build_index(articles, config["INDEX_DIR"], config["LOCALES"], jobs=jobs)
        errors = articles.errors
    for error in errors:
        click.echo(f"skipped {error}", err=True)
    if not quiet:
        counts = ", ".join(f"{locale} {count}" for locale, count in report.counts.items())
        if report.incremental and not report.counts:
            click.echo(f"no article changed; still serving generation {report.generation}")
        else:
            what = "re-indexed" if report.incremental else "indexed"
            removed = f", removed {report.removed} file(s)" if report.removed else ""
            click.echo(f"{what} {sum(report.counts.values())} articles ({counts}){removed} in {report.seconds:.2f} s")
            click.echo(f"serving generation {report.generation} from {config['INDEX_DIR']}")
    if errors:
        click.echo(f"{len(errors)} file(s) skipped", err=True)
        if strict:
            return 1
    return 0


@main.command()
@click.option("--strict", is_flag=True, help="Exit with status 1 when any article file was skipped.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@click.option(
    "--changed", is_flag=True,
    help="Re-index only the files changed, added or removed since the last build (by mtime and size).",
)
@click.option(
    "--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Processes for a full build: files are parsed and locales indexed in parallel.",
)
def index(strict: bool, quiet: bool, changed: bool, jobs: int):
    """Build the search indexes from the article files.

    The new indexes are written beside the ones being served and switched to
    in one step, so searches never see a half-built index. Files that cannot
    be used are reported with their path and line, and skipped. With
    --changed, the new generation is the current one plus the changed
    articles (hard links to its files, never a copy), switched the same way.
    """
    sys.exit(run_index(_config(), strict=strict, quiet=quiet, changed=changed, jobs=jobs))


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
    try:
        hits = SearchIndex(config["INDEX_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"]).search(text, lang, limit)
    except IndexNotBuilt as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"query": text, "lang": lang, "results": [h.to_dict() for h in hits]}, ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("no results")
    for number, hit in enumerate(hits, start=1):
        other = f" [{hit.locale}]" if hit.locale != lang else ""
        click.echo(f"{number}. {hit.title}{other}  ({hit.url}, score {hit.score:.2f})")


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
