"""Config: the example file is valid, and every mistake names its key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_is_valid_and_documents_every_key() -> None:
    data = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    config = parse_config(data)
    assert config.i18n.default_language == "lv"

    def keys(model: type, prefix: str = "") -> set[str]:
        found = set()
        for name, field in model.model_fields.items():  # type: ignore[attr-defined]
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                found |= keys(annotation, f"{prefix}{name}.")
            else:
                found.add(prefix + name)
        return found

    expected = keys(Config)

    def present(table: dict[str, object], prefix: str = "") -> set[str]:
        found = set()
        for name, value in table.items():
            # A table whose keys are free (care.extra_words.groups) is one key.
            if isinstance(value, dict) and prefix + name not in expected:
                found |= present(value, f"{prefix}{name}.")
            else:
                found.add(prefix + name)
        return found

    assert expected == present(data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[telegram]\nmode = 'carrier-pigeon'\n", "telegram.mode"),
        ("[telegram.webhook]\nport = 70000\n", "telegram.webhook.port"),
        ("[linking]\nmax_failed_attempts = 0\n", "linking.max_failed_attempts"),
        ("[i18n]\ntimezone = 'Europe/Riga'\n", "i18n.timezone: unknown key"),
        ("[i18n]\ndefault_language = 'de'\n", "i18n.default_language"),
        ("[database]\npathh = 'x'\n", "database.pathh: unknown key"),
        ("[telegram]\nmode = 'webhook'\n", "webhook.url is required"),
        ("[telegram.webhook]\nsecret_token = 'has space'\n", "telegram.webhook.secret_token"),
        ("[telegram\n", "not valid TOML"),
        # A bad call link is a config error at start, never a traceback at the first booking.
        ("[booking]\ncall_link_template = 'https://x/{room.x}'\n", "booking.call_link_template"),
        ("[booking]\ncall_link_template = 'https://x/{room!r}'\n", "booking.call_link_template"),
        ("[booking]\ncall_link_template = 'https://x/{room:>99}'\n", "booking.call_link_template"),
        ("[booking]\ncall_link_template = 'https://x/{0}{room}'\n", "booking.call_link_template"),
        ("[booking]\ncall_link_template = 'https://x/{room'\n", "booking.call_link_template"),
        ("[booking]\ncall_link_template = 'meet {room}'\n", "booking.call_link_template"),
        # A setting that did nothing is gone: naming it says so.
        ("[reminders]\nagenda_at = '07:30'\n", "reminders.agenda_at: unknown key"),
        ("[linking]\nsecret_key = 'too-short'\n", "linking.secret_key"),
        ("[privacy]\ncrisis_event_retention_days = 7\n", "privacy.crisis_event_retention_days"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.")):
        load_config(path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_relative_database_path_is_taken_from_the_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[database]\npath = 'data/bot.sqlite3'\n", encoding="utf-8")
    assert load_config(path).database.path == tmp_path / "data" / "bot.sqlite3"


def test_token_comes_from_the_environment_first(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config({"telegram": {"token": "from-file"}})
    assert config.bot_token() == "from-file"
    monkeypatch.setenv("PUMPURS_BOT_TOKEN", "from-env")
    assert config.bot_token() == "from-env"
    assert "from-file" not in repr(config)


def test_the_secret_key_comes_from_the_environment_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUMPURS_SECRET_KEY", raising=False)
    config = parse_config({})
    with pytest.raises(ConfigError, match=r"linking\.secret_key: not set .*PUMPURS_SECRET_KEY"):
        config.require_secret_key()
    monkeypatch.setenv("PUMPURS_SECRET_KEY", "k" * 32)
    assert config.require_secret_key() == b"k" * 32
    assert "k" * 32 not in repr(config)
