"""The ``kb`` command: index, search and serve the help center.

Settings come from ``KB_*`` environment variables (``kb --help`` lists them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import settings


class KbGroup(click.Group):
    def format_epilog(self, ctx, formatter):
        formatter.write_paragraph()
        with formatter.indentation():
            for line in settings.help_text().splitlines():
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


def run_index(config: dict, *, strict: bool = False, quiet: bool = False, changed: bool = False, jobs: int = 1,
              paths=None) -> int:
    """Load the articles and build a new index generation; the exit status.

    ``paths``, with ``changed``: the only files that may have changed."""
    from search.indexing import build_index, git_snapshot, update_index

    from .articles import load_articles

    # Before anything is written: run from the wrong folder, the index (and
    # an instance/ folder) must not appear there.
    _articles_dir_or_exit(config)
    if changed:
        try:
            report = update_index(config["ARTICLES_DIR"], config["INDEX_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"], paths)
        except ValueError as exc:  # a named file outside the articles folder
            raise click.UsageError(str(exc)) from None
        errors = report.errors
    else:
        from .progress import Progress

        progress = None if quiet else Progress()
        try:
            git = git_snapshot(config["ARTICLES_DIR"])  # before reading: later edits show in the next --changed
            articles = load_articles(config["ARTICLES_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"], jobs=jobs, progress=progress)
            report = build_index(articles, config["INDEX_DIR"], config["LOCALES"], jobs=jobs, progress=progress, git=git)
        finally:
            if progress is not None:
                progress.close()
        errors = articles.errors
    for error in errors:
        click.echo(f"skipped {error}", err=True)
    from search.synonyms import load_synonyms

    synonym_problems = [problem for locale in config["LOCALES"] for problem in load_synonyms(locale)[1]]
    for problem in synonym_problems:
        click.echo(f"synonyms: skipped {problem}", err=True)
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
    if (errors or synonym_problems) and strict:
        return 1
    return 0


@main.command()
@click.option("--strict", is_flag=True, help="Exit with status 1 when any article file or synonym rule was skipped.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@click.option(
    "--changed", is_flag=True,
    help="Re-index only the files changed, added or removed since the last build: the FILES given, else those git "
         "names (when the articles are in a git work tree), else those whose mtime or size changed.",
)
@click.option(
    "--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Processes for a full build: files are parsed and locales indexed in parallel (a locale by several processes when there are more jobs than locales).",
)
@click.option("--watch", is_flag=True, help="Keep running: re-index the changed files whenever an article file is saved (as kb serve --reload-articles does).")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds between looks at the files with --watch.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def index(strict: bool, quiet: bool, changed: bool, jobs: int, watch: bool, interval: float, files: tuple[Path, ...]):
    """Build the search indexes from the article files.

    The new indexes are written beside the ones being served and switched to
    in one step, so searches never see a half-built index. Files that cannot
    be used are reported with their path and line, and skipped. With
    --changed, the new generation is the current one plus the changed
    articles (hard links to its files, never a copy), switched the same way.
    FILES (implies --changed) are the article files an editor or a watcher
    saw saved, added or deleted; no other file is looked at.
    """
    config = _config()
    if watch:
        if files:
            raise click.UsageError("--watch finds the changed files itself: give no FILES")
        watch_articles(config, interval)
        return
    sys.exit(run_index(config, strict=strict, quiet=quiet, changed=changed or bool(files), jobs=jobs,
                       paths=list(files) if files else None))


def watch_articles(config: dict, interval: float, stop=None) -> None:
    """Re-index whenever an article file changes, until ``stop`` is set (or Ctrl-C / SIGTERM).

    Polls the files' mtimes and sizes (no extra dependency) and hands the
    files it saw change to `kb index --changed FILE...`, which then looks at
    nothing else.
    """
    import signal
    import threading
    import time

    from search.indexing import markdown_files

    root = _articles_dir_or_exit(config)
    if stop is None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    seen = None
    click.echo(f"watching {root} for changes (Ctrl-C to stop)")
    try:
        while not stop.is_set():
            snapshot = markdown_files(root)
            if snapshot != seen:
                if seen is not None:
                    click.echo(time.strftime("%H:%M:%S ") + "articles changed: re-indexing")
                paths = None if seen is None else sorted(p for p in seen.keys() | snapshot.keys() if seen.get(p) != snapshot.get(p))
                run_index(config, changed=True, paths=paths)
                seen = snapshot
            stop.wait(interval)
    except KeyboardInterrupt:
        pass


def _articles_dir_or_exit(config: dict) -> Path:
    """The articles folder, or a clear error when it does not look like one."""
    root = config["ARTICLES_DIR"]
    if not root.is_dir():
        raise click.ClickException(f"{root}: no such folder (set KB_ARTICLES_DIR or run from the project folder)")
    if not any((root / locale).is_dir() for locale in config["LOCALES"]):
        raise click.ClickException(
            f"{root} is not an articles folder: it has none of the locale folders "
            f"{', '.join(loc + '/' for loc in config['LOCALES'])} (set KB_ARTICLES_DIR or run from the project folder)"
        )
    return root


@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one 'path:line: severity: message' line per problem; json: for CI tools.")
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Also print warnings (they never fail the check).")
@click.option("--fix", is_flag=True, help="First fix what needs no judgement: French spaces before : ; ? ! and inside « », and a full stop after a label's own ? or !.")
def check(output_format: str, warnings: bool, fix: bool):
    """Check every article, categories.yaml and revisions.yaml, reporting every problem at once.

    Front matter (required fields, types, unknown keys), duplicate ids,
    unknown categories, translations without a source or following a
    revision the source does not have, categories differing from the
    source's, broken links between articles, missing images, empty bodies,
    source text changed without `kb revise`, and what a translation states
    differently from its source (numbers, durations, labels, code, links,
    headings, typography). Exits 1 when there is any error.
    """
    from translations import CATALOG_DIR

    from .checks import check_articles

    config = _config()
    if fix:
        from .consistency import fix_file

        root = _articles_dir_or_exit(config)
        for locale in config["LOCALES"]:
            for path in sorted((root / locale).rglob("*.md")):
                if fix_file(path, locale):
                    click.echo(f"fixed {path}", err=True)
    report = check_articles(config["ARTICLES_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"], catalog_dir=CATALOG_DIR)
    shown = report.problems if warnings else report.errors
    if output_format == "json":
        click.echo(json.dumps({
            "errors": len(report.errors), "warnings": len(report.warnings),
            "problems": [p.to_dict() for p in shown],
        }, ensure_ascii=False, indent=2))
    else:
        for problem in shown:
            click.echo(str(problem))
        checked = len(report.articles.articles) if report.articles else 0
        click.echo(f"{checked} articles checked: {len(report.errors)} error(s), {len(report.warnings)} warning(s)", err=True)
    sys.exit(1 if report.errors else 0)


def _load_for_writing(config: dict):
    from .articles import load_articles

    root = _articles_dir_or_exit(config)
    return root, load_articles(root, config["LOCALES"], config["DEFAULT_LOCALE"])


@main.command()
@click.argument("article_id")
@click.option("--minor", is_flag=True, help="A fix that needs no re-translation (typo, formatting): the revision stays, translations stay up to date.")
def revise(article_id: str, minor: bool):
    """Record a change to the source article ARTICLE_ID.

    Without --minor the revision goes up and its translations become
    outdated; `kb check` fails until every changed source is recorded.
    """
    from .revisions import revise as record

    config = _config()
    root, articles = _load_for_writing(config)
    article = articles.get(config["DEFAULT_LOCALE"], article_id)
    if article is None:
        raise click.ClickException(f"no {config['DEFAULT_LOCALE']} article has id {article_id!r}")
    _revision, what = record(root, article, minor=minor)
    click.echo(f"{article_id}: {what}")


@main.command()
@click.argument("article_id")
@click.option("--title", "-t", required=True, help="The article's title, as a customer would ask it.")
@click.option("--category", "-c", required=True, help="One of the categories of categories.yaml.")
@click.option("--tags", default="", help="Comma-separated words customers use for this subject.")
def new(article_id: str, title: str, category: str, tags: str):
    """Start a new source article ARTICLE_ID, as a draft.

    The file is written to <articles>/<default locale>/ARTICLE_ID.md with
    today's date. Write it, preview it (kb serve, signed in), then set
    'status: published' and run `kb revise ARTICLE_ID`.
    """
    from .articles import ID_PATTERN
    from .categories import load_categories
    from .checks import display_path
    from .scaffold import new_article

    config = _config()
    root, articles = _load_for_writing(config)
    if not ID_PATTERN.match(article_id):
        raise click.BadParameter("use lower-case letters, digits and hyphens, such as reset-password", param_hint="ARTICLE_ID")
    if any(aid == article_id for _loc, aid in articles.articles):
        raise click.ClickException(f"an article with id {article_id!r} already exists")
    categories = load_categories(root, config["LOCALES"], config["DEFAULT_LOCALE"])
    if category not in categories.ids:
        raise click.BadParameter(f"expected one of {', '.join(categories.ids)}", param_hint="--category")
    path = new_article(root, config["DEFAULT_LOCALE"], article_id, title, category, [t.strip() for t in tags.split(",") if t.strip()])
    click.echo(f"created {display_path(path)}")


@main.command()
@click.argument("article_id")
@click.option("--to", "locale", required=True, help="Locale of the translation, such as fr.")
@click.option("--force", is_flag=True, help="Replace an existing translation's text with the source again (its id and file are kept).")
def translate(article_id: str, locale: str, force: bool):
    """Start the LOCALE translation of ARTICLE_ID from its current source, as a draft.

    The file holds the source text to translate and records the source's
    revision in 'based_on'. An existing translation is left alone (its
    'based_on' says which revision it follows): update it, then set
    'based_on' to the source's revision.
    """
    from .checks import display_path
    from .scaffold import new_translation

    config = _config()
    if locale not in config["LOCALES"] or locale == config["DEFAULT_LOCALE"]:
        others = [loc for loc in config["LOCALES"] if loc != config["DEFAULT_LOCALE"]]
        raise click.BadParameter(f"expected one of {', '.join(others)}", param_hint="--to")
    root, articles = _load_for_writing(config)
    source = articles.get(config["DEFAULT_LOCALE"], article_id)
    if source is None:
        raise click.ClickException(f"no {config['DEFAULT_LOCALE']} article has id {article_id!r}")
    existing = articles.get(locale, article_id)
    if existing is not None and not force:
        state = "outdated" if articles.is_outdated(existing) else "up to date"
        raise click.ClickException(
            f"{existing.path} exists ({state}, based on revision {existing.based_on}); "
            f"edit it, or use --force to start again from the source"
        )
    path = new_translation(root, source, locale, existing.path if existing else None)
    click.echo(f"created {display_path(path)} (based on revision {source.revision or 1}); translate it, then set 'status: published'")


@main.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a table; json: for scripts and dashboards.")
@click.option("--locale", "-l", "only", multiple=True, help="Show only this locale (repeatable).")
@click.option("--todo", is_flag=True, help="List only the articles with something to translate.")
def status(output_format: str, only: tuple[str, ...], todo: bool):
    """The translation matrix: each article in each locale, with coverage per locale.

    States: ok (up to date), outdated (follows an older source revision),
    missing, draft. Coverage is the share of published source articles
    with an up-to-date published translation.
    """
    from .status import translation_status

    config = _config()
    _root, articles = _load_for_writing(config)
    locales = tuple(loc for loc in config["LOCALES"] if not only or loc in only)
    matrix = translation_status(articles, locales, config["DEFAULT_LOCALE"])
    if todo:
        matrix = matrix.todo()
    if output_format == "json":
        click.echo(json.dumps(matrix.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(matrix.table())


@main.command()
@click.argument("text")
@click.option("--lang", "-l", default=None, help="Locale to search (default: KB_DEFAULT_LOCALE).")
@click.option("--limit", "-n", default=5, show_default=True, type=click.IntRange(1, 20), help="Most results to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON, as /api/suggest does.")
def search(text: str, lang: str | None, limit: int, as_json: bool):
    """Search the help center for TEXT, as the suggest API does."""
    from search.service import IndexNotBuilt
    from web import create_app, search_index
    from web.api import suggest_body

    config = _config()
    lang = lang or config["DEFAULT_LOCALE"]
    if lang not in config["LOCALES"]:
        raise click.BadParameter(f"expected one of {', '.join(config['LOCALES'])}", param_hint="--lang")
    # The app makes the articles' URLs, as for the API.
    with create_app().test_request_context():
        try:
            body = suggest_body(search_index(), text, lang, limit, typing=False)
        except IndexNotBuilt as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    if not body["results"]:
        suggestion = body.get("did_you_mean")
        click.echo(f"no results; did you mean: {suggestion}" if suggestion else "no results")
    for number, hit in enumerate(body["results"], start=1):
        other = f" [{hit['locale']}]" if hit["locale"] != lang else ""
        click.echo(f"{number}. {hit['title']}{other}  ({hit['url']}, score {hit['score']:.2f})")


@main.command(name="eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--split", type=click.Choice(["all", "dev", "heldout"]), default="all", show_default=True,
    help="Which queries to score: those used while tuning (dev), the held-out ones, or all.",
)
@click.option("--misses", is_flag=True, help="Also list the queries whose expected article was not ranked first.")
@click.option("--grid", is_flag=True, help="Also print MRR@5 and recall@5 per locale and kind as Markdown tables, and kb's lead over plain Whoosh in each with its 95 % interval.")
def eval_command(files: tuple[str, ...], split: str, misses: bool, grid: bool):
    """Score the search on judged queries in FILES (tab-separated).

    Each line gives a locale, a kind of query, a split (dev or heldout), the
    id of the article that answers it, and the query. The articles of
    KB_ARTICLES_DIR are indexed twice in a temporary folder, once with the
    help center's search and once with plain Whoosh (the language's analyzer
    with accent folding, title x3, words joined by OR), and MRR@5 and
    recall@5 are printed for both, per locale and per kind, with the median
    time per query.
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
        report = evaluate(
            articles, config["LOCALES"], config["DEFAULT_LOCALE"], judgements,
            progress=lambda m: click.echo(m, err=True), scorer=config["SCORER"],
        )
    except QueryFileError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.table())
    if grid:
        click.echo("\n" + report.grid("mrr") + "\n\n" + report.grid("recall") + "\n\n" + report.margins("mrr"))
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
@click.option("--outbox/--no-outbox", "outbox_worker", default=True, show_default=True, help="Also run the outbox sender (emails, webhooks).")
@click.option("--reload-articles", is_flag=True, help="For writers: re-index an article as soon as its file is saved (runs kb index --watch beside the server).")
@click.option("--demo", is_flag=True, help="First fill the demo (as `kb demo` does): a staff account and tickets with their emails.")
def serve(host: str, port: int, workers: int, threads: int, build_first: bool | None, outbox_worker: bool, reload_articles: bool, demo: bool):
    """Serve the help center with gunicorn, a production WSGI server.

    The database schema is upgraded first, and an outbox sender runs beside
    the web workers (as `kb outbox send --watch` would). The address to open
    and how to sign in to the admin area are printed before serving.
    """
    from search.indexing import current_generation

    from .db import upgrade
    from web.server import serve_app

    config = _config()
    _rules(config)  # a bad rules file stops here, before any worker starts
    if build_first or (build_first is None and current_generation(config["INDEX_DIR"]) is None):
        status = run_index(config)
        if status:
            sys.exit(status)
    if not config["BASE_URL"] and host not in ("127.0.0.1", "localhost"):
        click.echo(
            f"warning: KB_BASE_URL is not set, so only requests to localhost or 127.0.0.1 are answered; "
            f"set it to the address customers use (such as https://help.example.com) to serve on {host}",
            err=True,
        )
    upgrade(config["DATABASE_URL"])
    if demo:
        run_demo(config, config.get("BASE_URL") or local_address(host, port))
    for line in first_run_lines(config, host, port):
        click.echo(line)
    helpers = []
    if outbox_worker:
        helpers.append(subprocess.Popen([sys.executable, "-m", "kb.cli", "outbox", "send", "--watch"]))
    if reload_articles:
        helpers.append(subprocess.Popen([sys.executable, "-m", "kb.cli", "index", "--watch"]))
    try:
        serve_app(host=host, port=port, workers=workers, threads=threads)
    finally:
        for helper in helpers:
            helper.terminate()
        for helper in helpers:
            helper.wait(timeout=30)


def _rules(config: dict):
    from .rules import RulesError, load_rules

    try:
        return load_rules(config["RULES_FILE"])
    except RulesError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"the support rules have {len(exc.problems)} problem(s); nothing was started") from None


@main.command("check-rules")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check_rules(path: Path | None):
    """Check the support rules file (default: KB_RULES_FILE, else the shipped rules).

    Each problem is printed as path:line: problem, and the exit status is 1.
    """
    config = _config()
    if path is not None:
        config = {**config, "RULES_FILE": path.resolve()}
    rules = _rules(config)
    click.echo(
        f"{rules.path}: {len(rules.plans)} plans, {len(rules.kinds)} kinds of request, "
        f"{len(rules.holidays)} holidays, time zone {rules.time_zone.key}: no problem found"
    )


@main.command()
@click.option("--plan", default=None, help="The customer's plan, as the rules name it (default: an anonymous visitor).")
@click.option("--kind", default=None, help="Kind of request, as the rules name it (default: not chosen yet).")
@click.option("--lang", "-l", default=None, help="The customer's language, or language variant such as pt-PT (default: KB_DEFAULT_LOCALE).")
@click.option("--at", "moment", default=None, help="Moment to decide for, ISO 8601 with its offset, e.g. 2026-11-23T19:00+01:00 (default: now).")
@click.option("--tz", "zone_name", default=None, help="The customer's time zone, e.g. America/New_York (default: the language's, from the rules).")
@click.option("--recent-ticket-at", default=None, help="Pretend the customer sent a ticket at this ISO 8601 moment (checks the recent-request notice).")
@click.option("--json", "as_json", is_flag=True, help='Print {"channels": [{"code", "state", "reason", ...}]} as JSON.')
def channels(plan, kind, lang, moment, zone_name, recent_ticket_at, as_json):
    """Show which support channels a customer gets, and why, as the contact form would.

    For a support manager checking a change of the rules file: the decision
    and its reasons, in the customer's language, with times in the support
    team's zone and the customer's.
    """
    import datetime as dt

    from babel.support import Translations

    from translations import ready_catalog_dir

    from .channels import Customer, RecentTicket, answer_time, channel_label, customer_zone, decide, explain, words

    from .rules import variant_tag

    config = _config()
    rules = _rules(config)
    variant = variant_tag(lang) if lang else None
    lang = variant.split("-")[0] if variant else config["DEFAULT_LOCALE"]
    if plan is not None and plan not in rules.plans:
        raise click.BadParameter(f"expected one of {', '.join(rules.plans)}", param_hint="--plan")
    if kind is not None and kind not in rules.kinds:
        raise click.BadParameter(f"expected one of {', '.join(rules.kinds)}", param_hint="--kind")
    if zone_name is not None and customer_zone(rules, lang, zone_name).key != zone_name:
        raise click.BadParameter(f"{zone_name!r} is not a time zone such as Europe/Paris", param_hint="--tz")

    def parse_moment(value, hint):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise click.BadParameter("expected an ISO 8601 moment such as 2026-11-23T19:00+01:00", param_hint=hint) from None
        if parsed.tzinfo is None:
            raise click.BadParameter("add the offset, e.g. +01:00 or Z", param_hint=hint)
        return parsed

    at = parse_moment(moment, "--at") if moment else dt.datetime.now(dt.UTC)
    recent = RecentTicket("PLM-EXAMPLE", parse_moment(recent_ticket_at, "--recent-ticket-at")) if recent_ticket_at else None
    customer = Customer(email="customer@example.com", plan=plan, pin="000000") if plan else Customer()
    decision = decide(rules, customer, kind, lang, at, recent)
    catalogs = ready_catalog_dir(config["INSTANCE_DIR"] / "translations")
    translations = Translations.load(str(catalogs), [lang])
    zone = customer_zone(rules, lang, zone_name, variant)
    say = words(translations, lang, zone, decision)
    rows = []
    for choice in decision.channels:
        row = {
            "code": choice.code,
            "state": choice.state,
            "reason": explain(choice, decision, translations, lang, zone),
            **choice.to_dict(),
            "hours": say.hours(choice.channel, at),
        }
        if choice.first_answer_hours:
            row["answer_time"] = answer_time(choice.first_answer_hours, translations)
        rows.append(row)
    body = {
        "plan": decision.plan.code,
        "signed_in": decision.signed_in,
        "kind": kind,
        "lang": lang,
        "at": at.isoformat(),
        "time_zone": zone.key,
        "recent_ticket": bool(decision.recent_ticket),
        "channels": rows,
    }
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    who = f"plan {decision.plan.name}" if decision.signed_in else f"anonymous visitor (plan {decision.plan.name})"
    click.echo(f"{who}, kind {kind or '(not chosen)'}, language {lang}, at {at.isoformat()}, customer's zone {zone.key}")
    if decision.recent_ticket:
        click.echo(f"first: the recent-request notice (a ticket younger than {rules.recent_ticket_hours} h)")
    by_code = {choice.code: choice for choice in decision.channels}
    for row in rows:
        label = channel_label(row["code"], translations)
        click.echo(f"{row['code']:<7} {row['state']:<12} {row['reason_code']:<15} {label}: {row['reason']}")
        # A channel open around the clock says so in its reason already, as on the contact page.
        details = [] if by_code[row["code"]].channel.always_open else [row["hours"]]
        details += [row["answer_time"]] if "answer_time" in row else []
        if details:
            click.echo(f"{'':<36} {' — '.join(details)}")


@main.command("sso-link")
@click.option("--email", required=True, help="The customer's email address.")
@click.option("--plan", required=True, help="The customer's plan, as the rules name it.")
@click.option("--name", default="", help="The customer's name.")
@click.option("--account", default="", help="The customer's account identifier.")
@click.option("--pin", default="", help="The customer's support PIN (shown beside chat and phone).")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, help="Address of the help center.")
@click.option("--next", "next_path", default="", help="Page to open after signing in, e.g. /fr/contact (default: the contact page).")
def sso_link(email, plan, name, account, pin, base_url, next_path):
    """Make a sign-in link as the main product would (for tests and the demo).

    Signed with KB_SSO_SECRET, valid for KB_SSO_LINK_SECONDS.
    """
    from urllib.parse import quote

    from .sso import SignInRefused, make_token

    config = _config()
    rules = _rules(config)
    if plan not in rules.plans:
        raise click.BadParameter(f"expected one of {', '.join(rules.plans)}", param_hint="--plan")
    if not config["SSO_SECRET"]:
        raise click.UsageError("set KB_SSO_SECRET, the key shared with the main product")
    try:
        token = make_token(config["SSO_SECRET"], email=email, plan=plan, name=name, account=account, pin=pin)
    except SignInRefused as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from None
    link = f"{base_url.rstrip('/')}/sso/{token}"
    if next_path:
        link += f"?next={quote(next_path, safe='/')}"
    click.echo(link)


def first_run_lines(config: dict, host: str, port: int) -> list[str]:
    """What `kb serve` says before serving: where to go, how to sign in, where mail goes."""
    from sqlalchemy import func, select

    from web.demo import demo_credentials

    from .db import Database
    from .mail import mail_folder_path
    from .models import StaffUser

    base = config.get("BASE_URL") or local_address(host, port)
    database = Database(config["DATABASE_URL"])
    try:
        with database.reading() as session:
            staff = session.scalar(select(func.count()).select_from(StaffUser).where(StaffUser.active.is_(True)))
    finally:
        database.dispose()
    lines = [f"Help center: open {base}/"]
    credentials = demo_credentials(config["INSTANCE_DIR"])
    if credentials:
        lines.append(f"Admin area: {base}/admin/ (sign in as {credentials[0]}, password {credentials[1]})")
    elif staff:
        lines.append(f"Admin area: {base}/admin/ (sign in with your staff account)")
    else:
        lines.append(f"Admin area: {base}/admin/ (no staff account yet: run `kb staff add EMAIL` or `kb demo`)")
    if not config["SMTP_URL"]:
        lines.append(f"Email: KB_SMTP_URL is not set, so emails are written to {mail_folder_path(config)} and listed at {base}/admin/mail")
    return lines


def local_address(host: str, port: int) -> str:
    """The address to open for a server listening on ``host:port``.

    >>> local_address("0.0.0.0", 8000), local_address("::1", 8080)
    ('http://127.0.0.1:8000', 'http://[::1]:8080')
    """
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def run_demo(config: dict, base_url: str | None = None) -> None:
    from web import create_app
    from web.demo import fill_demo

    from .db import upgrade

    upgrade(config["DATABASE_URL"])
    app = create_app()
    try:
        report = fill_demo(app, base_url or config.get("BASE_URL") or local_address("127.0.0.1", 8000))
    finally:
        app.extensions["kb.db"].dispose()
    if report.staff_password:
        click.echo(f"demo staff account {report.staff_email} created, password {report.staff_password}")
    else:
        click.echo(f"demo staff account {report.staff_email} already exists")
    click.echo(f"{report.tickets_added} demo tickets added" if report.tickets_added else "tickets exist already: none added")
    if report.events_added:
        click.echo(f"{report.events_added} demo analytics events added (three weeks of visits for /admin/reports)")


@main.command()
def demo():
    """Fill the help center with a demo: a staff account, a ticket in each language, and analytics events.

    The tickets' emails go through the outbox like real ones (into
    <instance>/mail/ when KB_SMTP_URL is not set). Run it again and nothing
    is added twice. The index is built first when none exists.
    """
    from search.indexing import current_generation

    config = _config()
    if current_generation(config["INDEX_DIR"]) is None:
        status = run_index(config)
        if status:
            sys.exit(status)
    run_demo(config)


@main.group()
def db():
    """The ticket database."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Schema revision to reach.")
def db_upgrade(revision: str):
    """Create or migrate the database schema (Alembic); safe to run again."""
    from .db import Database, current_revision, upgrade

    config = _config()
    database = Database(config["DATABASE_URL"])
    try:
        upgrade(database.url, revision, engine=database.engine)
        click.echo(f"database at revision {current_revision(database.url, engine=database.engine)}")
    finally:
        database.dispose()


@main.group()
def outbox():
    """Emails and webhooks waiting to be delivered."""


@outbox.command("send")
@click.option("--watch", is_flag=True, help="Keep running, delivering what becomes due.")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds between rounds with --watch.")
def outbox_send(watch: bool, interval: float):
    """Deliver due emails and webhooks, retrying failures with growing waits."""
    import logging
    import signal
    import threading

    from .db import Database
    from .outbox import Sender

    config = _config()
    database = Database(config["DATABASE_URL"])
    sender = Sender(database, config)
    try:
        if watch:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s outbox %(levelname)s %(message)s")
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            try:
                sender.run_forever(interval, stop, hourly=lambda: hourly_upkeep(config, database))
            except KeyboardInterrupt:
                pass
            return
        report = sender.deliver_due()
    finally:
        database.dispose()
    click.echo(f"{report.sent} sent, {report.retried} to retry, {report.dead} dead")


def hourly_upkeep(config: dict, database) -> None:
    prune_attachments(config, database)
    prune_analytics(config, database)


def prune_attachments(config: dict, database, hours: float = 24) -> int:
    from .attachments import AttachmentStore, prune_unclaimed
    from .tickets import claimed_attachment_names

    store = AttachmentStore(config["ATTACHMENTS_DIR"])
    return prune_unclaimed(store, claimed_attachment_names(database), older_than_seconds=hours * 3600)


@main.group()
def attachments():
    """Files customers attached to tickets."""


@attachments.command("prune")
@click.option("--hours", default=24.0, show_default=True, type=click.FloatRange(0), help="Keep unclaimed files younger than this.")
def attachments_prune(hours: float):
    """Delete uploaded files that no ticket refers to (forms never sent again).

    The worker of `kb serve` (`kb outbox send --watch`) does this every hour.
    """
    from .db import Database

    config = _config()
    database = Database(config["DATABASE_URL"])
    try:
        removed = prune_attachments(config, database, hours)
    finally:
        database.dispose()
    click.echo(f"{removed} unclaimed file(s) deleted")


@main.group()
def staff():
    """Staff accounts of the admin area."""


def _staff_password(password: str) -> str:
    from .staff import PASSWORD_MIN

    if len(password) < PASSWORD_MIN:
        raise click.BadParameter(f"use at least {PASSWORD_MIN} characters", param_hint="--password")
    return password


@staff.command("add")
@click.argument("email")
@click.password_option(help="Password (asked for when not given).")
def staff_add(email: str, password: str):
    """Create a staff account that can work on tickets and read reports at /admin/."""
    from sqlalchemy.exc import IntegrityError

    from .mail import is_plain_address
    from .staff import create_staff, normalize_email

    if not is_plain_address(email.strip()):
        raise click.BadParameter("expected an email address such as ana@example.com", param_hint="EMAIL")
    _staff_password(password)
    try:
        with _database() as database:
            # Often the first command on a new install, before kb serve has made the tables.
            database.upgrade()
            with database.writing() as session:
                create_staff(session, email, password)
    except IntegrityError:
        raise click.ClickException(f"a staff account for {email} already exists") from None
    click.echo(f"staff account {normalize_email(email)} created")


@staff.command("list")
def staff_list():
    """List the staff accounts: email, active or disabled, creation date."""
    from .staff import list_staff

    with _database() as database, database.reading() as session:
        users = list_staff(session)
    if not users:
        click.echo("no staff accounts yet (kb staff add EMAIL)")
    for user in users:
        click.echo(f"{user.email}\t{'active' if user.active else 'disabled'}\tcreated {user.created_at:%Y-%m-%d}")


def _change_staff(email: str, change, done: str) -> None:
    with _database() as database, database.writing() as session:
        found = change(session)
    if not found:
        raise click.ClickException(f"no staff account for {email}")
    click.echo(done)


@staff.command("disable")
@click.argument("email")
def staff_disable(email: str):
    """Disable an account: it can no longer sign in, and its open sessions end at their next request."""
    from .staff import normalize_email, set_active

    _change_staff(email, lambda session: set_active(session, email, False), f"staff account {normalize_email(email)} disabled")


@staff.command("enable")
@click.argument("email")
def staff_enable(email: str):
    """Enable a disabled account again."""
    from .staff import normalize_email, set_active

    _change_staff(email, lambda session: set_active(session, email, True), f"staff account {normalize_email(email)} enabled")


@staff.command("password")
@click.argument("email")
@click.password_option(help="New password (asked for when not given).")
def staff_password(email: str, password: str):
    """Give an account a new password (at least 12 characters)."""
    from .staff import normalize_email, set_password

    _staff_password(password)
    _change_staff(email, lambda session: set_password(session, email, password), f"password of {normalize_email(email)} changed")


@contextmanager
def _database():
    """The configured database, disposed of afterwards."""
    from .db import Database

    database = Database(_config()["DATABASE_URL"])
    try:
        yield database
    finally:
        database.dispose()


@main.command()
@click.option("--since", "since", default="30d", show_default=True, help="Period ending now: hours, days or weeks, such as 12h, 30d or 2w.")
@click.option("--locale", "-l", default=None, help="Only this locale's searches, flows and tickets.")
@click.option("--category", default=None, help="Only this category (searches whose first result is in it, flows that showed or opened one of its articles).")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="Rows in each list.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Plain text for reading, or JSON.")
def report(since: str, locale: str | None, category: str | None, top: int, output: str):
    """Deflection report of a period: searches, flows, tickets, chats, calls, top and zero-result searches.

    The same figures as the admin area's Reports page. The JSON has
    searches, zero_result_searches, flows, flows_with_suggestions, deflected,
    tickets, chats, calls, deflection_rate, the funnel, top_queries and
    zero_result_queries (lists of {"query", "locale", "count"}) and the
    article and request tables.
    """
    from .analytics.reports import Filters, build_report, parse_since

    config = _config()
    try:
        period = parse_since(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    if locale and locale not in config["LOCALES"]:
        raise click.BadParameter(f"expected one of {', '.join(config['LOCALES'])}", param_hint="--locale")
    from sqlalchemy.exc import DBAPIError

    try:
        with _database() as database, database.reading() as session:
            result = build_report(session, Filters.since(period, locale=locale, category=category), top=top)
    except DBAPIError as exc:
        raise click.ClickException(f"cannot read the analytics tables ({exc.orig}); run 'kb db upgrade' first") from None
    if output == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    rate = result.deflection_rate
    click.echo(f"period: {result.filters.start:%Y-%m-%d %H:%M} to {result.filters.end:%Y-%m-%d %H:%M} UTC"
               + (f", locale {locale}" if locale else "") + (f", category {category}" if category else ""))
    click.echo(f"searches: {result.searches} ({result.zero_result_searches} without results)")
    click.echo(f"contact flows: {result.flows}, {result.flows_with_suggestions} saw suggestions, {result.deflected} deflected")
    click.echo(f"requests: tickets {result.tickets}, chats started {result.chats}, phone numbers shown {result.calls}")
    click.echo("deflection rate: " + ("n/a (no flow saw suggestions)" if rate is None else f"{rate:.1%}"))
    click.echo("funnel: " + ", ".join(f"{step} {count}" for step, count in result.funnel))
    for title, rows in (("top searches", result.top_queries), ("searches without results", result.zero_result_queries)):
        click.echo(f"{title}:")
        for row in rows:
            click.echo(f"  {row['count']:6d}  {row['locale']}  {row['query']}")
        if not rows:
            click.echo("  none")
    click.echo("requests per kind and channel:")
    for row in result.requests_by_kind_channel:
        click.echo(f"  {row['requests']:6d}  {row['channel']:<7} {row['kind'] or '(no kind)'}")
    if not result.requests_by_kind_channel:
        click.echo("  none")


@main.group()
def analytics():
    """Deflection analytics: the events behind the reports."""


def prune_analytics(config: dict, database, days: int | None = None) -> int:
    import datetime as dt

    from .analytics.events import prune

    days = config["ANALYTICS_RETENTION_DAYS"] if days is None else days
    with database.writing() as session:
        return prune(session, dt.datetime.now(dt.UTC) - dt.timedelta(days=days))


@analytics.command("prune")
@click.option("--days", default=None, type=click.IntRange(1), help="Keep this many days (default: KB_ANALYTICS_RETENTION_DAYS).")
def analytics_prune(days: int | None):
    """Delete analytics events older than the retention period.

    The worker of `kb serve` (`kb outbox send --watch`) does this every hour.
    """
    config = _config()
    with _database() as database:
        removed = prune_analytics(config, database, days)
    click.echo(f"{removed} analytics event(s) deleted")


@main.group()
def catalogs():
    """The interface's gettext catalogs (buttons, forms, emails), not articles.

    Run from the project folder: extract the strings into the template,
    update every locale's catalog from it, translate the new and fuzzy
    entries in translations/<locale>/LC_MESSAGES/messages.po, then compile.
    Articles are translated with `kb translate` and followed with `kb status`.
    """


@main.command(hidden=True, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def translations():
    """Renamed: kb catalogs."""
    raise click.UsageError(
        "'kb translations' is now 'kb catalogs' (the interface's catalogs); "
        "article translations are 'kb translate' and 'kb status'"
    )


@catalogs.command("extract")
@click.option("--mapping", "mapping_file", default="babel.cfg", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Babel mapping file saying which files hold translatable strings.")
@click.option("--sources", "source_root", default=".", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder the mapping file's patterns are relative to.")
@click.option("--output", "-o", "template_path", default="translations/messages.pot", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Template catalog to write.")
def catalogs_extract(mapping_file: Path, source_root: Path, template_path: Path):
    """Extract every translatable string into the template catalog (.pot)."""
    from translations import extract_messages

    template = extract_messages(source_root, mapping_file, template_path)
    click.echo(f"extracted {len(template)} messages into {template_path}")


@catalogs.command("update")
@click.option("--template", "-t", "template_path", default="translations/messages.pot", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Template catalog to merge from.")
@click.option("--directory", "-d", default="translations", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Folder of the locale catalogs.")
@click.option("--locale", "-l", "locales", multiple=True,
              help="Locale to update or create; repeat for several (default: every KB_LOCALES locale).")
def catalogs_update(template_path: Path, directory: Path, locales: tuple[str, ...]):
    """Merge the template into each locale's catalog (.po), creating missing ones.

    New strings arrive untranslated and changed ones fuzzy; translate them
    before compiling (the test suite fails while any is left).
    """
    from translations import read_catalog, update_catalogs

    locales = locales or _config()["LOCALES"]
    for locale, action in update_catalogs(template_path, directory, locales).items():
        from translations import po_path

        catalog = read_catalog(po_path(directory, locale), locale)
        todo = sum(1 for m in catalog if m.id and (m.fuzzy or not _translated(m)))
        click.echo(f"{locale}: {action}, {todo} entries to translate")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


@catalogs.command("compile")
@click.option("--directory", "-d", default="translations", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of the locale catalogs.")
@click.option("--output-dir", "-o", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the compiled catalogs to (default: beside the .po files).")
def catalogs_compile(directory: Path, output_dir: Path | None):
    """Compile the catalogs (.po) into the binary form the server reads (.mo)."""
    from translations import CatalogError, compile_catalogs

    try:
        compiled = compile_catalogs(directory, output_dir)
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from None
    for locale, count in compiled.items():
        click.echo(f"{locale}: {count} messages compiled")


if __name__ == "__main__":
    main()
