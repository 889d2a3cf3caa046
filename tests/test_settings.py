"""Settings: declared once, every bad value refused at start-up with its variable's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import settings
from kb.cli import main
from web import create_app

# A value each setting must refuse (settings that take any text have none).
BAD_VALUES = {
    "KB_LOCALES": " , ",
    "KB_DEFAULT_LOCALE": "xx",
    "KB_SMTP_URL": "mail.example:25",
    "KB_MAIL_FROM": "Support <not an address>",
    "KB_SUPPORT_INBOX": "support",
    "KB_WEBHOOK_URL": "ftp://helpdesk.example/hook",
    "KB_WEBHOOK_SECRET": "",  # with a webhook URL
    "KB_OUTBOX_MAX_ATTEMPTS": "0",
    "KB_OUTBOX_RETRY_SECONDS": "soon",
    "KB_ATTACHMENT_MAX_BYTES": "10 MB",
    "KB_ATTACHMENT_MAX_COUNT": "-1",
    "KB_RATELIMIT_STORAGE_URL": "localhost:6379",
    "KB_TICKET_RATE_LIMIT": "5 per fortnight",
    "KB_SUGGEST_RATE_LIMIT": "lots",
    "KB_LOGIN_RATE_LIMIT": "10 every 5 minutes",
    "KB_MIN_FILL_SECONDS": "3.5",
    "KB_PROXY_HOPS": "one",
    "KB_SCORER": "numpy",
    "KB_BASE_URL": "help.example.com",
    "KB_OUTBOX_LEASE_SECONDS": "5m",
    "KB_FEEDBACK_RATE_LIMIT": "often",
    "KB_CHANNEL_CHOICE_LIMIT": "twice",
    "KB_SSO_LINK_SECONDS": "5 minutes",
    "KB_ANALYTICS_RETENTION_DAYS": "0",
    "KB_SITE_NAME": "Acme\nBcc: x@example.com",
    "KB_LOGO_FILE": "logo.gif",
    "KB_BRAND_COLOR": "#ffd400",
}
# KB_RULES_FILE's content is checked by kb.rules at start-up (tests/test_support_rules.py).
ANY_TEXT = {
    "KB_INSTANCE_DIR", "KB_ARTICLES_DIR", "KB_INDEX_DIR", "KB_DATABASE_URL", "KB_SECRET_KEY", "KB_ATTACHMENTS_DIR",
    "KB_RULES_FILE", "KB_SSO_SECRET",
}


def test_every_setting_is_either_checked_here_or_takes_any_text():
    assert set(BAD_VALUES) | ANY_TEXT == {s.name for s in settings.SETTINGS}
    assert not set(BAD_VALUES) & ANY_TEXT


def test_defaults_load():
    config = settings.load({})
    assert set(config) == {s.key for s in settings.SETTINGS}
    assert config["LOCALES"] == ("en", "fr", "de", "es", "it", "pt")
    assert config["INDEX_DIR"] == config["INSTANCE_DIR"] / "index"
    assert config["DATABASE_URL"] == f"sqlite:///{config['INSTANCE_DIR'] / 'kb.sqlite3'}"
    assert config["OUTBOX_MAX_ATTEMPTS"] == 8 and config["PROXY_HOPS"] == 0
    assert config["WEBHOOK_URL"] is None


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_a_bad_value_is_refused_with_the_variable_name(name):
    with pytest.raises(settings.SettingsError) as refused:
        settings.load({"KB_WEBHOOK_URL": "https://helpdesk.example/hooks", "KB_WEBHOOK_SECRET": "s3cret", name: BAD_VALUES[name]})
    assert str(refused.value).startswith(f"{name} "), refused.value


def test_a_webhook_without_its_secret_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("KB_WEBHOOK_URL", "https://helpdesk.example/hooks/tickets")
    with pytest.raises(settings.SettingsError, match="^KB_WEBHOOK_SECRET must be set when KB_WEBHOOK_URL is"):
        create_app()
    monkeypatch.setenv("KB_WEBHOOK_SECRET", "s3cret")
    assert settings.load()["WEBHOOK_SECRET"] == "s3cret"


def test_kb_commands_refuse_bad_settings_before_doing_anything(runner, tmp_path):
    result = runner.invoke(main, ["index"], env={"KB_SMTP_URL": "smtp//mail.example"})
    assert result.exit_code == 2
    assert "KB_SMTP_URL must look like smtp://host:port" in result.output
    assert not (Path(runner.env["KB_INSTANCE_DIR"]) / "index").exists()


def test_good_values_are_parsed():
    config = settings.load(
        {
            "KB_LOCALES": "de, fr",
            "KB_DEFAULT_LOCALE": "fr",
            "KB_SMTP_URL": "smtps://bot:pw@mail.example",
            "KB_TICKET_RATE_LIMIT": "3/minute",
            "KB_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/3",
            "KB_ATTACHMENT_MAX_COUNT": "0",
            "KB_INDEX_DIR": "elsewhere",
        }
    )
    assert config["LOCALES"] == ("de", "fr") and config["DEFAULT_LOCALE"] == "fr"
    assert config["ATTACHMENT_MAX_COUNT"] == 0
    assert config["INDEX_DIR"] == Path("elsewhere").resolve()


def test_readme_table_is_made_from_the_declarations():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in readme, "paste settings.markdown_table() into the README's Settings section"


def test_kb_help_lists_each_setting_with_its_help_and_default(runner):
    output = " ".join(runner.invoke(main, ["--help"]).output.split())
    for setting in settings.SETTINGS:
        shown = f"{setting.name}: {setting.help} Default: {setting.shown_default}.".replace("`", "")
        assert shown in output
