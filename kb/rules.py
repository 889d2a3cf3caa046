"""The support rules: plans, channels, hours, holidays, languages and request kinds.

One YAML file (``KB_RULES_FILE``, the shipped default is
``kb/default_rules.yaml``) says who may reach the support team, how, when and
in which language. It is read and checked once, at start-up: any problem is
reported as ``path:line: problem`` and stops ``kb serve`` and
``kb check-rules``, so a customer never meets a half-valid rule later.

PyYAML's node tree keeps the line of every key and value, so each problem
names the line to fix:

>>> import tempfile, pathlib
>>> bad = pathlib.Path(tempfile.mkdtemp()) / "rules.yaml"
>>> _ = bad.write_text("time_zone: Mars/Olympus\\nholidays: [2026-02-30]\\n")
>>> try:
...     load_rules(bad)
... except RulesError as exc:
...     print(*[p.replace(str(bad), "rules.yaml") for p in exc.problems[:3]], sep="\\n")
rules.yaml:1: time_zone: 'Mars/Olympus' is not a time zone such as Europe/Paris
rules.yaml:2: holidays: '2026-02-30' is not a date such as 2026-12-25
rules.yaml:1: plans is missing
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .kinds import KIND_LABELS, PRIORITY_LABELS

DEFAULT_RULES_FILE = Path(__file__).with_name("default_rules.yaml")

CHANNELS = ("ticket", "chat", "phone")
# Highest first: the order of the support team's queue.
PRIORITIES = tuple(PRIORITY_LABELS)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OTHER_LANGUAGES = ("accepted", "refused")


class RulesError(ValueError):
    """Problems of a rules file, each as ``path:line: problem``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    channels: tuple[str, ...]
    first_answer_hours: int
    priority: str


@dataclass(frozen=True)
class Channel:
    code: str
    # Opening hours by weekday (0 = Monday): (opens, closes), or None when
    # always open.
    hours: dict[int, tuple[dt.time, dt.time]] | None
    languages: tuple[str, ...]
    other_languages: str = "refused"
    asks_for_pin: bool = False
    launcher_url: str | None = None
    numbers: dict[str, str] = field(default_factory=dict)

    @property
    def always_open(self) -> bool:
        return self.hours is None

    def number_for(self, language: str) -> str | None:
        """The phone number for ``language``, else the first one listed."""
        return self.numbers.get(language) or next(iter(self.numbers.values()), None)


@dataclass(frozen=True)
class Rules:
    path: Path
    time_zone: zoneinfo.ZoneInfo
    holidays: frozenset[dt.date]
    plans: dict[str, Plan]
    anonymous_plan: str
    channels: dict[str, Channel]
    kinds: dict[str, tuple[str, ...]]
    recent_ticket_hours: int
    time_zones: dict[str, zoneinfo.ZoneInfo]

    def plan(self, code: str | None) -> Plan:
        """The plan ``code``, or the anonymous visitors' plan when unknown or None."""
        return self.plans.get(code or "", self.plans[self.anonymous_plan])

    def zone_for(self, language: str, variant: str | None = None) -> zoneinfo.ZoneInfo:
        """The zone of a reader of ``language``: their variant's (pt-PT), else the language's, else the team's.

        >>> rules = Rules(Path("r"), zoneinfo.ZoneInfo("Europe/Paris"), frozenset(), {}, "", {}, {}, 0,
        ...               {"pt": zoneinfo.ZoneInfo("America/Sao_Paulo"), "pt-PT": zoneinfo.ZoneInfo("Europe/Lisbon")})
        >>> [rules.zone_for("pt", v).key for v in ("pt-PT", "pt-BR", None)], rules.zone_for("de").key
        (['Europe/Lisbon', 'America/Sao_Paulo', 'America/Sao_Paulo'], 'Europe/Paris')
        """
        if variant and (zone := self.time_zones.get(variant_tag(variant))):
            return zone
        return self.time_zones.get(language, self.time_zone)

    def priority_of(self, plan_code: str | None) -> str:
        return self.plan(plan_code).priority


def load_rules(path: Path | str | None = None) -> Rules:
    """Read and check the rules file; raise :class:`RulesError` listing every problem."""
    path = Path(path) if path else DEFAULT_RULES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError([f"{path}: cannot read the rules file: {exc.strerror or exc}"]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RulesError([f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    reader = _Reader(path)
    rules = reader.rules(root)
    if reader.problems:
        raise RulesError(reader.problems)
    return rules


class _Invalid(Exception):
    """One value could not be used (already recorded); skip what depends on it."""


class _Reader:
    """Turns the YAML node tree into :class:`Rules`, recording each problem with its line."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def problem(self, node, message: str):
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(f"{self.path}:{line}: {message}")
        return _Invalid()

    # Scalars, lists and mappings -------------------------------------------------

    def mapping(self, node, what: str) -> dict[str, tuple]:
        """``{key: (key_node, value_node)}`` of a mapping node."""
        if not isinstance(node, yaml.MappingNode):
            raise self.problem(node, f"{what} must be a mapping of names to values")
        items = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or not key:
                raise self.problem(key_node, f"{what}: keys must be names")
            if key in items:
                self.problem(key_node, f"{what}: {key!r} is given twice")
            items[key] = (key_node, value_node)
        return items

    def text(self, node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise self.problem(node, f"{what} must be a text")
        return str(node.value).strip()

    def whole_number(self, node, what: str, minimum: int = 1) -> int:
        value = self.text(node, what)
        if not value.isdigit() or int(value) < minimum:
            raise self.problem(node, f"{what} must be a whole number of at least {minimum}, not {value!r}")
        return int(value)

    def boolean(self, node, what: str) -> bool:
        value = self.text(node, what).lower()
        if value not in ("true", "false", "yes", "no"):
            raise self.problem(node, f"{what} must be true or false, not {value!r}")
        return value in ("true", "yes")

    def texts(self, node, what: str) -> list[tuple[str, object]]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.problem(node, f"{what} must be a list such as [a, b]")
        return [(self.text(item, what), item) for item in node.value]

    def choice(self, node, what: str, allowed) -> str:
        value = self.text(node, what)
        if value not in allowed:
            raise self.problem(node, f"{what}: {value!r} is not one of {', '.join(allowed)}")
        return value

    def zone(self, node, what: str) -> zoneinfo.ZoneInfo:
        value = self.text(node, what)
        if value not in _time_zone_names():
            raise self.problem(node, f"{what}: {value!r} is not a time zone such as Europe/Paris")
        return zoneinfo.ZoneInfo(value)

    def language(self, node, what: str) -> str:
        value = self.text(node, what)
        if not re.fullmatch(r"[a-z]{2,3}([_-][A-Z]{2})?", value):
            raise self.problem(node, f"{what}: {value!r} is not a language code such as en, pt-PT or pt_BR")
        return value

    # The file -----------------------------------------------------------------

    KEYS = ("time_zone", "holidays", "plans", "anonymous_plan", "channels", "kinds", "recent_ticket_hours", "time_zones")

    def rules(self, root) -> Rules:
        if root is None:
            self.problem(None, "the rules file is empty")
            return None
        try:
            top = self.mapping(root, "the rules file")
        except _Invalid:
            return None
        for key, (key_node, _value) in top.items():
            if key not in self.KEYS:
                self.problem(key_node, f"unknown key {key!r} (expected {', '.join(self.KEYS)})")
        values = {}
        for key in self.KEYS:
            if key not in top:
                self.problem(root, f"{key} is missing")
                continue
            try:
                values[key] = getattr(self, f"read_{key}")(top[key][1], values)
            except _Invalid:
                pass
        if self.problems:
            return None
        return Rules(path=self.path, **values)

    def read_time_zone(self, node, values):
        return self.zone(node, "time_zone")

    def read_holidays(self, node, values) -> frozenset[dt.date]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.problem(node, "holidays must be a list of dates such as 2026-12-25")
        days = set()
        for item in node.value:
            value = item.value if isinstance(item, yaml.ScalarNode) else None
            try:
                days.add(dt.date.fromisoformat(str(value)))
            except ValueError:
                self.problem(item, f"holidays: {value!r} is not a date such as 2026-12-25")
        return frozenset(days)

    def read_channels(self, node, values) -> dict[str, Channel]:
        channels = {}
        for code, (key_node, value_node) in self.mapping(node, "channels").items():
            if code not in CHANNELS:
                self.problem(key_node, f"channels: unknown channel {code!r} (expected {', '.join(CHANNELS)})")
                continue
            try:
                channels[code] = self.channel(code, value_node)
            except _Invalid:
                pass
        for code in CHANNELS:
            if code not in channels and not self.problems:
                self.problem(node, f"channels: {code} is missing")
        return channels

    CHANNEL_KEYS = ("hours", "languages", "other_languages", "asks_for_pin", "launcher_url", "numbers")

    def channel(self, code: str, node) -> Channel:
        what = f"channels.{code}"
        items = self.mapping(node, what)
        for key, (key_node, _value) in items.items():
            if key not in self.CHANNEL_KEYS:
                self.problem(key_node, f"{what}: unknown key {key!r} (expected {', '.join(self.CHANNEL_KEYS)})")
        for key in ("hours", "languages"):
            if key not in items:
                raise self.problem(node, f"{what}.{key} is missing")
        languages = tuple(self.language(item, f"{what}.languages") for _text, item in self.texts(items["languages"][1], f"{what}.languages"))
        if not languages:
            raise self.problem(items["languages"][1], f"{what}.languages names no language")
        channel = Channel(
            code=code,
            hours=self.hours(items["hours"][1], f"{what}.hours"),
            languages=languages,
            other_languages=self.choice(items["other_languages"][1], f"{what}.other_languages", OTHER_LANGUAGES) if "other_languages" in items else "refused",
            asks_for_pin=self.boolean(items["asks_for_pin"][1], f"{what}.asks_for_pin") if "asks_for_pin" in items else False,
            launcher_url=self.url(items["launcher_url"][1], f"{what}.launcher_url") if "launcher_url" in items else None,
            numbers=self.numbers(items["numbers"][1], f"{what}.numbers") if "numbers" in items else {},
        )
        if code == "chat" and not channel.launcher_url:
            raise self.problem(node, f"{what}.launcher_url is missing: the address of the chat tool")
        if code == "phone" and not channel.numbers:
            raise self.problem(node, f"{what}.numbers is missing: a phone number per language")
        return channel

    def url(self, node, what: str) -> str:
        value = self.text(node, what)
        if not re.fullmatch(r"https?://[^\s\"'<>]+", value):
            raise self.problem(node, f"{what}: {value!r} is not an http:// or https:// address")
        return value

    def numbers(self, node, what: str) -> dict[str, str]:
        numbers = {}
        for language, (key_node, value_node) in self.mapping(node, what).items():
            self.language(key_node, what)
            number = self.text(value_node, f"{what}.{language}")
            if not re.fullmatch(r"\+?[0-9][0-9 ().-]{4,30}", number):
                raise self.problem(value_node, f"{what}.{language}: {number!r} is not a phone number such as +33 1 23 45 67 89")
            numbers[language] = number
        return numbers

    def hours(self, node, what: str) -> dict[int, tuple[dt.time, dt.time]] | None:
        """``always``, or a mapping of days (``mon``, ``mon-fri``) to ``"HH:MM-HH:MM"``."""
        if isinstance(node, yaml.ScalarNode) and node.value == "always":
            return None
        if not isinstance(node, yaml.MappingNode):
            raise self.problem(node, f"{what} must be 'always' or days with times, such as mon-fri: \"09:00-18:00\"")
        hours = {}
        for days, (key_node, value_node) in self.mapping(node, what).items():
            span = self.days(key_node, what)
            times = self.text(value_node, f"{what}.{days}")
            match = re.fullmatch(r"(\d\d):(\d\d)\s*-\s*(\d\d):(\d\d)", times)
            try:
                opens, closes = (dt.time(int(match[1]), int(match[2])), dt.time(int(match[3]), int(match[4]))) if match else (None, None)
            except ValueError:
                opens = closes = None
            if opens is None or opens >= closes:
                raise self.problem(value_node, f"{what}.{days}: {times!r} is not opening hours such as \"09:00-18:00\"")
            for day in span:
                if day in hours:
                    self.problem(key_node, f"{what}: {WEEKDAYS[day]} is given twice")
                hours[day] = (opens, closes)
        return hours

    def days(self, node, what: str) -> list[int]:
        first, _dash, last = node.value.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise self.problem(node, f"{what}: {node.value!r} is not a day or days such as mon or mon-fri")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if end < start:
            raise self.problem(node, f"{what}: {node.value!r} ends before it starts")
        return list(range(start, end + 1))

    PLAN_KEYS = ("name", "channels", "first_answer_hours", "priority")

    def read_plans(self, node, values) -> dict[str, Plan]:
        plans = {}
        for code, (_key_node, value_node) in self.mapping(node, "plans").items():
            what = f"plans.{code}"
            try:
                items = self.mapping(value_node, what)
                for key, (key_node, _value) in items.items():
                    if key not in self.PLAN_KEYS:
                        self.problem(key_node, f"{what}: unknown key {key!r} (expected {', '.join(self.PLAN_KEYS)})")
                missing = [key for key in self.PLAN_KEYS if key not in items]
                if missing:
                    raise self.problem(value_node, f"{what}: {', '.join(missing)} missing")
                channels = self.channel_list(items["channels"][1], f"{what}.channels")
                if "ticket" not in channels:
                    self.problem(items["channels"][1], f"{what}.channels: every plan includes the ticket")
                plans[code] = Plan(
                    code=code,
                    name=self.text(items["name"][1], f"{what}.name"),
                    channels=channels,
                    first_answer_hours=self.whole_number(items["first_answer_hours"][1], f"{what}.first_answer_hours"),
                    priority=self.choice(items["priority"][1], f"{what}.priority", PRIORITIES),
                )
            except _Invalid:
                pass
        if not plans and not self.problems:
            raise self.problem(node, "plans names no plan")
        return plans

    def channel_list(self, node, what: str) -> tuple[str, ...]:
        channels = []
        for code, item in self.texts(node, what):
            if code not in CHANNELS:
                raise self.problem(item, f"{what}: unknown channel {code!r} (expected {', '.join(CHANNELS)})")
            channels.append(code)
        return tuple(channels)

    def read_anonymous_plan(self, node, values) -> str:
        if "plans" not in values:
            raise _Invalid()
        return self.choice(node, "anonymous_plan", tuple(values["plans"]))

    def read_kinds(self, node, values) -> dict[str, tuple[str, ...]]:
        kinds = {}
        for code, (key_node, value_node) in self.mapping(node, "kinds").items():
            if code not in KIND_LABELS:
                self.problem(key_node, f"kinds: unknown kind {code!r} (known kinds: {', '.join(KIND_LABELS)})")
                continue
            try:
                kinds[code] = self.channel_list(value_node, f"kinds.{code}")
            except _Invalid:
                continue
            if "ticket" not in kinds[code]:
                self.problem(value_node, f"kinds.{code}: every kind of request can be sent as a ticket")
        if not kinds and not self.problems:
            raise self.problem(node, "kinds names no kind of request")
        return kinds

    def read_recent_ticket_hours(self, node, values) -> int:
        return self.whole_number(node, "recent_ticket_hours", minimum=0)

    def read_time_zones(self, node, values) -> dict[str, zoneinfo.ZoneInfo]:
        zones = {}
        for language, (key_node, value_node) in self.mapping(node, "time_zones").items():
            try:
                self.language(key_node, "time_zones")
                zones[variant_tag(language)] = self.zone(value_node, f"time_zones.{language}")
            except _Invalid:
                pass
        return zones


def variant_tag(code: str) -> str:
    """A language or variant code as ``hreflang`` writes it: pt_pt, pt-pt and pt-PT are pt-PT.

    >>> variant_tag("pt_PT"), variant_tag("pt-br"), variant_tag("pt")
    ('pt-PT', 'pt-BR', 'pt')
    """
    language, _, region = code.replace("_", "-").partition("-")
    return f"{language.lower()}-{region.upper()}" if region else language.lower()


@functools.cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
