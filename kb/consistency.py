"""What a translation states differently from its source, and locale typography.

``kb check`` compares each published translation with its source article:

- numbers and durations ("15 minutes", "one hour", "5–10 business days"),
  as digits or as number words before a unit of time;
- the product's behaviours the glossary words in each language (``behaviours``):
  a translation must state those its source states, and no other;
- bold UI labels and menu paths, against the glossary (``glossary.yaml``
  beside the articles): a source's ``**Schedule**`` must be the locale's
  own label in bold, and a bold menu path must be made of glossary labels;
- code spans and the HTTP header names of code blocks;
- links to other articles;
- the number of headings and of numbered steps;
- typography: French non-breaking spaces before ``: ; ? !`` and inside
  « », and doubled punctuation such as ``**Mot de passe oublié ?**.``.

The same glossary is checked against the interface catalogs
(``translations/<locale>/LC_MESSAGES/messages.po``): a label the interface
shows must read as the glossary says, and words the glossary tells a locale
to avoid must not appear in articles or catalogs.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import yaml

from .articles import Article, ArticleSet

WARNING = "warning"

GLOSSARY = "glossary.yaml"
NBSP, NNBSP = "\u00a0", "\u202f"

# Number words that count as numbers before a unit of time, per locale.
NUMBER_WORDS = {
    "en": "a an one two three four five six seven eight nine ten eleven twelve",
    "fr": "un une deux trois quatre cinq six sept huit neuf dix onze douze",
    "de": "ein eine einen einem einer zwei drei vier fünf sechs sieben acht neun zehn elf zwölf",
    "es": "un una uno dos tres cuatro cinco seis siete ocho nueve diez once doce",
    "it": "un una uno due tre quattro cinque sei sette otto nove dieci undici dodici",
    "pt": "um uma dois duas três quatro cinco seis sete oito nove dez onze doze",
}
# The value of each word above, by position (some locales have several forms of one).
NUMBER_VALUES = {
    "en": [1, 1] + list(range(1, 13)),
    "fr": [1, 1] + list(range(2, 13)),
    "de": [1, 1, 1, 1, 1] + list(range(2, 13)),
    "es": [1, 1, 1] + list(range(2, 13)),
    "it": [1, 1, 1] + list(range(2, 13)),
    "pt": [1, 1, 2, 2] + list(range(3, 13)),
}
TIME_UNITS = {
    # Seconds are left out: "a second step", "une seconde fois" are not durations.
    "en": r"(?:business |working )?(?:minutes?|hours?|days?|weeks?|months?|years?)",
    "fr": r"(?:minutes?|heures?|jours?|semaines?|mois|ans?|années?)",
    "de": r"(?:Minuten?|Stunden?|Tagen?|Tage|Tag|Wochen?|Monaten?|Monate|Monat|Jahren?|Jahre|Jahr|Werktagen?|Werktage|Arbeitstagen?|Arbeitstage)",
    "es": r"(?:minutos?|horas?|días?|semanas?|meses|mes|años?)",
    "it": r"(?:minuti|minuto|ore|ora|giorni|giorno|settimane|settimana|mesi|mese|anni|anno)",
    "pt": r"(?:minutos?|horas?|dias?|semanas?|meses|mês|anos?)",
}
NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)(?![\w])")
HEADER_NAME = re.compile(r"\b(?:X-)?[A-Z][a-z]+(?:-[A-Z][a-z]+)+\b")
FENCE = re.compile(r"^(```|~~~)[^\n]*\n(.*?)^\1", re.S | re.M)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")
# Spaces and tabs only: a newline matched here would join lines and shift every later line number.
HEADING = re.compile(r"^#{2,6}[ \t]", re.M)
STEP = re.compile(r"^[ \t]{0,3}\d+[.)][ \t]", re.M)
BULLET = re.compile(r"^[ \t]{0,3}[-*+][ \t]", re.M)
MENU_SEPARATOR = " > "


@dataclasses.dataclass(frozen=True)
class Behaviour:
    """Something the product does (or a tempting wrong idea of it), as each locale words it.

    ``patterns`` are case-insensitive regular expressions per locale; a text
    states the behaviour when one of its locale's matches.
    """

    id: str
    says: str
    patterns: dict[str, re.Pattern]

    def stated_in(self, text: str, locale: str) -> int | None:
        """The line of ``text`` stating this behaviour, or None (also when the locale has no wording for it)."""
        pattern = self.patterns.get(locale)
        if pattern is None:
            return None
        for number, line in enumerate(text.replace(NBSP, " ").replace(NNBSP, " ").splitlines(), 1):
            if pattern.search(line):
                return number
        return None


@dataclasses.dataclass
class Glossary:
    """UI labels (quoted in bold), terms and product behaviours, per locale, from ``glossary.yaml``."""

    labels: list[dict[str, str]]
    avoid: dict[str, list[tuple[str, str]]]  # locale -> [(word to avoid, word to use)]
    path: Path | None = None
    behaviours: list[Behaviour] = dataclasses.field(default_factory=list)

    def label_in(self, text: str, source_locale: str, locale: str) -> str | None:
        """The ``locale`` label of a ``source_locale`` label, or None when the glossary lacks it."""
        for label in self.labels:
            if label.get(source_locale) == text:
                return label.get(locale)
        return None

    def is_label(self, text: str, locale: str) -> bool:
        return any(label.get(locale) == text for label in self.labels)


def load_glossary(articles_dir: Path | str) -> tuple[Glossary, list[str]]:
    """The glossary and the problems of its file (no file: an empty glossary)."""
    path = Path(articles_dir) / GLOSSARY
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return Glossary([], {}), []
    except yaml.YAMLError as exc:
        return Glossary([], {}, path), [f"broken YAML: {exc}"]
    problems = []
    labels = [{str(k): str(v) for k, v in entry.items()} for entry in data.get("labels") or [] if isinstance(entry, dict)]
    avoid: dict[str, list[tuple[str, str]]] = {}
    for entry in data.get("terms") or []:
        for locale, rule in (entry.get("avoid") or {}).items():
            use = entry.get(locale)
            if not use:
                problems.append(f"term {entry.get('en')!r}: 'avoid' for {locale} without the word to use")
                continue
            for word in rule if isinstance(rule, list) else [rule]:
                avoid.setdefault(locale, []).append((str(word), str(use)))
    behaviours = []
    for entry in data.get("behaviours") or []:
        if not isinstance(entry, dict) or not entry.get("id") or not isinstance(entry.get("said"), dict):
            problems.append(f"behaviour {entry!r}: needs an id, what it says and 'said' (a pattern per locale)")
            continue
        patterns = {}
        for locale, wording in entry["said"].items():
            try:
                patterns[str(locale)] = re.compile(str(wording), re.I)
            except re.error as exc:
                problems.append(f"behaviour {entry['id']!r}, {locale}: not a regular expression ({exc})")
        behaviours.append(Behaviour(str(entry["id"]), str(entry.get("says") or entry["id"]), patterns))
    return Glossary(labels, avoid, path, behaviours), problems


def _without_code(body: str) -> str:
    body = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), body)


def _prose(body: str) -> str:
    """Body text with code, link targets, URLs, emails and list markers removed."""
    text = _without_code(body)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+|\S+@\S+\.\w+", " ", text)
    text = STEP.sub(" ", text)
    return text


# Number words that are also everyday words: "sei" (you are), "neuf" (new).
AMBIGUOUS_WORDS = {"sei", "neuf"}


def number_words_in(text: str, locale: str) -> set[str]:
    """Numbers from two to twelve written as words anywhere ("four digits").

    Too loose to report ("two options" may be "both" in a translation), but
    enough to accept that "4 dígitos" says what "four digits" says.

    >>> sorted(number_words_in("the last four digits, six characters", "en"))
    ['4', '6']
    """
    words = NUMBER_WORDS.get(locale, "").split()
    values = dict(zip(words, NUMBER_VALUES.get(locale, [])))
    general = {w: v for w, v in values.items() if v > 1 and w not in AMBIGUOUS_WORDS}
    if not general:
        return set()
    return {str(general[m.group(1).lower()]) for m in re.finditer(rf"\b({'|'.join(general)})\b", text, re.I)}


def numbers_in(text: str, locale: str) -> set[str]:
    """Numbers a text states, normalized (thousands separators dropped, decimal point).

    >>> sorted(numbers_in("Wait 15 minutes, or an hour; 5–10 business days; 10,000 contacts at 09:00; 2FA.", "en"))
    ['1', '10', '10000', '15', '5', '9']
    >>> sorted(numbers_in("Patientez quinze minutes ou une heure ; 10 000 contacts à 10 h 30.", "fr"))
    ['1', '10', '10000', '30']
    """
    found = set()
    # A time of day counts as its hour and minutes: 10:00, 10 h, 10 Uhr and 10 a.m. all say 10.
    text = re.sub(r"\b(\d{1,2})(?::|\.| ?h ?)00\b", r"\1", text)
    text = re.sub(r"\b(\d{1,2})h(?=\d|\b)", r"\1 h ", text)  # 10h, 9h30 (Portuguese, French)
    text = re.sub(r"\b0(\d)\b", r"\1", text)
    for match in NUMBER.finditer(text):
        raw = match.group(1)
        if re.fullmatch(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+", raw):
            found.add(re.sub(r"\D", "", raw))
        else:
            found.add(raw.replace(",", "."))
    words = NUMBER_WORDS.get(locale, "").split()
    if words:
        # "un'ora", "l'heure": Italian and French elide before a vowel.
        pattern = re.compile(rf"\b({'|'.join(words)})(?:\s+|['’]){TIME_UNITS[locale]}\b", re.I)
        for match in pattern.finditer(text):
            found.add(str(NUMBER_VALUES[locale][words.index(match.group(1).lower())]))
    return found


EXAMPLE_ADDRESS = re.compile(r"^[\w.+-]*@?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.I)


def _comparable_code(span: str) -> str | None:
    """A code span as compared across languages; None for an example address.

    Translations rightly localize example domains and addresses
    (yourcompany.com, tuempresa.es); a DNS name keeps its fixed part.

    >>> _comparable_code("plm1._domainkey.yourcompany.com"), _comparable_code("novedades@tuempresa.es")
    ('plm1._domainkey', None)
    """
    span = re.sub(r"(\._domainkey)\.[\w.-]+$", r"\1", span)
    if EXAMPLE_ADDRESS.match(span) and "plumora" not in span and not span.startswith("_"):
        return None
    return span


def code_of(body: str) -> set[str]:
    """Inline code spans and the HTTP header names inside code blocks."""
    spans = {c for m in CODE_SPAN.finditer(FENCE.sub("", body)) if (c := _comparable_code(m.group(1).strip()))}
    headers = {name for m in FENCE.finditer(body) for name in HEADER_NAME.findall(m.group(2))}
    return spans | headers


def bold_of(body: str) -> list[str]:
    """Bold texts; a menu path written one bold label at a time counts as one.

    >>> bold_of("Open **Account** > **Billing** and click **Save**.")
    ['Account > Billing', 'Save']
    """
    body = re.sub(r"\*\*\s*>\s*\*\*", MENU_SEPARATOR, _without_code(body))
    return [m.group(1).strip() for m in BOLD.finditer(body)]


def _label(text: str) -> str:
    """A bold text without the punctuation that follows a label in a sentence ("**Save**:")."""
    return text.rstrip(" :.,;").strip()


def typography_problems(text: str, locale: str) -> list[tuple[int, str]]:
    """(line within ``text``, message) for each typography problem of ``locale``.

    >>> typography_problems("Vraiment ? Oui: « voilà ».", "fr")
    [(1, "a non-breaking space, not a normal one, goes before '?'"), (1, "a non-breaking space goes before ':'"), (1, 'a non-breaking space goes after «'), (1, 'a non-breaking space goes before »')]
    >>> typography_problems("Click **Forgot password?**.", "en")
    [(1, "doubled punctuation '?**.'")]
    """
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*\|?\s*:?-{3,}", line):
            continue  # a table's alignment row
        for match in re.finditer(r"([?!:.])(\*\*|_|\*|»|\")?([.:!?])(?![.:!?])", line):
            first, markup, second = match.groups()
            if first == "." and markup is None:
                continue  # an ellipsis, "how do I...?", "e.g.:"
            if first in "?!" and second in "?!":
                continue  # ?! and !? are one mark
            problems.append((number, f"doubled punctuation '{match.group(0)}'"))
        if locale != "fr":
            continue
        for match in re.finditer(r"(\S)?( )?([;:?!])(?=\s|$|\*|»|\))", line):
            before, space, mark = match.groups()
            if before is None and space is None:
                continue
            if mark == ":" and before is not None and before.isdigit() and space is None:
                continue
            if space:
                problems.append((number, f"a non-breaking space, not a normal one, goes before '{mark}'"))
            elif before not in (NBSP, NNBSP) and before not in "?!":
                problems.append((number, f"a non-breaking space goes before '{mark}'"))
        if re.search(r"«(?![\u00a0\u202f])", line):
            problems.append((number, "a non-breaking space goes after «"))
        if re.search(r"(?<![\u00a0\u202f])»", line):
            problems.append((number, "a non-breaking space goes before »"))
    return problems


def fix_french_typography(text: str) -> str:
    """French spacing fixed: narrow no-break spaces before ; ? ! and no-break spaces before : and inside « ».

    Code spans, code blocks and link targets are left alone.

    >>> fix_french_typography("Vraiment ? Oui: « voilà » (`a: b`).") == "Vraiment\\u202f? Oui\\u00a0: «\\u00a0voilà\\u00a0» (`a: b`)."
    True
    """
    protected: list[str] = []

    def keep(match):
        protected.append(match.group(0))
        return f"\x00{len(protected) - 1}\x00"

    work = FENCE.sub(keep, text)
    work = re.sub(r"`[^`\n]+`|\]\([^)]*\)|https?://\S+|^\s*\|?\s*:?-{3,}.*$", keep, work, flags=re.M)
    work = re.sub(r"(?<=[^\s\x00?!])[ \u00a0\u202f]?([;?!])(?=\s|$|\*|»|\))", f"{NNBSP}\\1", work, flags=re.M)
    work = re.sub(r"(?<=[^\s\d\x00])[ \u00a0\u202f]?(:)(?=\s|$|\*|»|\))", f"{NBSP}\\1", work, flags=re.M)
    work = re.sub(r"«[ \u00a0\u202f]?", f"«{NBSP}", work)
    work = re.sub(r"[ \u00a0\u202f]?»", f"{NBSP}»", work)
    return re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], work)


def fix_doubled_punctuation(text: str) -> str:
    """A sentence's full stop after a label that ends with its own mark is dropped.

    >>> fix_doubled_punctuation("Click **Forgot password?**. Then wait.")
    'Click **Forgot password?** Then wait.'
    """
    return re.sub(r"([?!:])(\*\*|\*|_)\.(?!\.)", r"\1\2", text)


def fix_typography(text: str, locale: str) -> str:
    """What ``kb check --fix`` does to an article's text: doubled punctuation, French spacing."""
    text = fix_doubled_punctuation(text)
    return fix_french_typography(text) if locale == "fr" else text


def fix_file(path: Path, locale: str) -> bool:
    """Fix the typography of an article file's title and body; True when it changed."""
    raw = path.read_text(encoding="utf-8")
    head, separator, body = raw.partition("\n---\n")
    if not separator:
        return False
    lines = head.split("\n")
    for number, line in enumerate(lines):
        if line.startswith("title:"):
            value = str(yaml.safe_load(line[len("title:"):]) or "")
            fixed = fix_typography(value, locale)
            if fixed != value:
                lines[number] = "title: " + json.dumps(fixed, ensure_ascii=False)  # JSON strings are YAML
    new = "\n".join(lines) + separator + fix_typography(body, locale)
    if new != raw:
        path.write_text(new, encoding="utf-8")
    return new != raw


def _body_line(article: Article, needle: str | None = None) -> int:
    """The file line of the body's first line containing ``needle`` (or of the body's start)."""
    try:
        lines = article.path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    start = next((i for i, line in enumerate(lines) if i > 0 and line.strip() == "---"), 0) + 2
    if needle:
        for number, line in enumerate(lines[start - 1 :], start):
            if needle in line:
                return number
    return start


def compare(source: Article, translation: Article, glossary: Glossary) -> list[tuple]:
    """(file line, message[, severity]) for each thing ``translation`` states differently from ``source``.

    Facts (numbers, durations, code, labels) are errors; structure
    (headings, numbered steps, list items, links) is a warning, for a reviewer to judge:
    a translation may rightly turn a table into a list.
    """
    found = []
    locale = translation.locale

    source_text = f"{source.title}\n{_prose(source.body)}"
    text = f"{translation.title}\n{_prose(translation.body)}"
    source_numbers, numbers = numbers_in(source_text, source.locale), numbers_in(text, locale)
    # A number one side writes as a word ("four digits") counts on the other.
    missing = sorted(source_numbers - numbers - number_words_in(text, locale), key=_numeric)
    extra = sorted(numbers - source_numbers - number_words_in(source_text, source.locale), key=_numeric)
    if missing:
        found.append((_body_line(translation), f"numbers or durations of the source missing here: {', '.join(missing)}"))
    if extra:
        found.append((_body_line(translation, extra[0]), f"numbers or durations not in the source: {', '.join(extra)}"))

    source_code, code = code_of(source.body), code_of(translation.body)
    if source_code - code:
        found.append((_body_line(translation), f"code or header names of the source missing here: {', '.join(sorted(source_code - code))}"))
    if code - source_code:
        first = sorted(code - source_code)[0]
        found.append((_body_line(translation, first), f"code or header names not in the source: {', '.join(sorted(code - source_code))}"))

    from .checks import article_link_target, links_of

    def linked_ids(article):
        return {t[1] for _img, _text, target in links_of(article.body) if (t := article_link_target(target))}

    source_links, links = linked_ids(source), linked_ids(translation)
    if source_links - links:
        found.append((_body_line(translation), f"links of the source missing here: {', '.join(sorted(source_links - links))}", WARNING))
    if links - source_links:
        first = sorted(links - source_links)[0]
        found.append((_body_line(translation, f"{first})"), f"links not in the source: {', '.join(sorted(links - source_links))}", WARNING))

    for what, pattern in (("headings", HEADING), ("numbered steps", STEP), ("list items", BULLET)):
        expected, got = len(pattern.findall(_without_code(source.body))), len(pattern.findall(_without_code(translation.body)))
        if expected != got:
            found.append((_body_line(translation), f"{got} {what} here, {expected} in the source", WARNING))

    # What the product does, in words: "adds the link automatically" against "cannot be sent without it".
    for behaviour in glossary.behaviours:
        if source.locale not in behaviour.patterns or locale not in behaviour.patterns:
            continue  # the glossary cannot tell in one of the two languages
        in_source, here = behaviour.stated_in(source_text, source.locale), behaviour.stated_in(text, locale)
        if in_source and not here:
            found.append((_body_line(translation), f"the source says {behaviour.says!r} ({behaviour.id}); this translation does not"))
        elif here and not in_source:
            line = _title_line(translation) if here == 1 else _body_line(translation) + here - 2
            found.append((line, f"says {behaviour.says!r} ({behaviour.id}); the source does not"))

    bold = [_label(b) for b in bold_of(translation.body)]
    for text in dict.fromkeys(_label(b) for b in bold_of(source.body)):
        parts = text.split(MENU_SEPARATOR)
        wanted = [glossary.label_in(part, source.locale, locale) for part in parts]
        if any(w is None for w in wanted):
            continue  # emphasis, not a label the glossary knows
        expected = MENU_SEPARATOR.join(wanted)
        steps = {step for b in bold for step in b.split(MENU_SEPARATOR)}
        if expected not in bold and not (len(parts) == 1 and expected in steps):
            kind = "menu path" if len(parts) > 1 else "label"
            found.append((_body_line(translation), f"{kind} **{text}** of the source should read **{expected}** here"))
    for text in bold:
        if MENU_SEPARATOR in text:
            unknown = [p for p in text.split(MENU_SEPARATOR) if not glossary.is_label(p, locale)]
            if unknown:
                found.append((_body_line(translation, text), f"menu path **{text}**: {', '.join(repr(u) for u in unknown)} not in the {locale} glossary"))
    return found


def _numeric(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def avoided_words(text: str, locale: str, glossary: Glossary) -> list[tuple[int, str]]:
    found = []
    for word, use in glossary.avoid.get(locale, []):
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append((number, f"{word!r}: the glossary says {use!r} in {locale}"))
    return found


def check_consistency(articles: ArticleSet, root: Path, catalog_dir: Path | None = None):
    """Problems of each translation against its source, of typography, and of the catalogs."""
    from .checks import ERROR, Problem, display_path

    glossary, glossary_problems = load_glossary(root)
    problems = [Problem(display_path(root / GLOSSARY), 1, ERROR, "glossary", p) for p in glossary_problems]
    default = articles.default_locale
    for (locale, article_id), article in sorted(articles.articles.items()):
        path = display_path(article.path)
        text_start = _body_line(article) - 1
        for line, message in typography_problems(_prose(article.body), locale):
            problems.append(Problem(path, text_start + line, ERROR, "typography", message))
        for line, message in typography_problems(article.title, locale):
            problems.append(Problem(path, _title_line(article), ERROR, "typography", f"title: {message}"))
        for line, message in avoided_words(f"{article.title}\n{_prose(article.body)}", locale, glossary):
            problems.append(Problem(path, _title_line(article) if line == 1 else text_start + line - 1, ERROR, "glossary-term", message))
        source = articles.get(default, article_id)
        if locale == default or source is None or not article.published or articles.is_outdated(article):
            continue  # an outdated translation is known to differ; kb status lists it
        for line, message, *severity in compare(source, article, glossary):
            problems.append(Problem(path, line, severity[0] if severity else ERROR, "differs-from-source", message))
    if catalog_dir is not None:
        problems.extend(check_catalogs(catalog_dir, articles.default_locale, glossary))
    return problems


def _title_line(article: Article) -> int:
    from .checks import front_matter_line

    return front_matter_line(article.path, "title")


def check_catalogs(catalog_dir: Path, default_locale: str, glossary: Glossary):
    """The interface catalogs against the glossary and the locale's typography."""
    from babel.messages.pofile import read_po

    from .checks import ERROR, Problem, display_path

    problems = []
    for po in sorted(Path(catalog_dir).glob("*/LC_MESSAGES/messages.po")):
        locale = po.parent.parent.name
        with open(po, "rb") as f:
            catalog = read_po(f, locale=locale)
        lines = po.read_text(encoding="utf-8").splitlines()

        def line_of(msgid: str) -> int:
            head = msgid.split("\n", 1)[0][:40]
            for number, line in enumerate(lines, 1):
                # A long msgid starts with msgid "" and goes on in the lines below.
                if line.startswith("msgid") and (head in line or (line == 'msgid ""' and number < len(lines) and head in lines[number])):
                    return number
            return 0

        for message in catalog:
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            where = display_path(po)
            for string in strings:
                for _n, text in typography_problems(string, locale):
                    problems.append(Problem(where, line_of(ids[0]), ERROR, "typography", f"{ids[0][:50]!r}: {text}"))
                for _n, text in avoided_words(string, locale, glossary):
                    problems.append(Problem(where, line_of(ids[0]), ERROR, "glossary-term", f"{ids[0][:50]!r}: {text}"))
            if locale != default_locale and isinstance(message.id, str):
                wanted = glossary.label_in(message.id, default_locale, locale)
                if wanted is not None and message.string != wanted:
                    problems.append(Problem(where, line_of(message.id), ERROR, "glossary-label",
                                            f"{message.id!r} is {message.string!r} here, the glossary says {wanted!r}"))
    return problems
