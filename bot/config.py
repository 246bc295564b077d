"""Configuration: one pydantic model per TOML table, loaded once at start.

A bad file never half-starts the bot: :func:`load_config` raises :class:`ConfigError`
with one line that names the key and the reason, and the CLI exits with status 2.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

TOKEN_ENV = "PUMPURS_BOT_TOKEN"  # noqa: S105 - the variable's name, not a secret
LANGUAGES = ("lv", "ru", "en")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookConfig(_Section):
    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)
    url: str = ""
    secret_token: SecretStr = SecretStr("")

    @field_validator("secret_token")
    @classmethod
    def _check_secret(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        if raw and (
            len(raw) > 256 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in raw)
        ):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value


class TelegramConfig(_Section):
    token: SecretStr = SecretStr("")
    mode: Literal["polling", "webhook"] = "polling"
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    webhook: WebhookConfig = WebhookConfig()

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramConfig:
        if self.mode == "webhook" and not self.webhook.url:
            raise ValueError("webhook.url is required when mode = 'webhook'")
        return self


class DatabaseConfig(_Section):
    path: Path = Path("pumpurs.sqlite3")
    busy_timeout_ms: int = Field(default=5000, ge=0)


class LinkingConfig(_Section):
    code_ttl_hours: int = Field(default=14 * 24, ge=1)
    max_failed_attempts: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)


class I18nConfig(_Section):
    default_language: Literal["lv", "ru", "en"] = "lv"
    timezone: str = "Europe/Riga"

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class HelplineConfig(_Section):
    children_helpline: str = "116111"
    emergency: str = "112"


class PrivacyConfig(_Section):
    free_text_retention_days: int = Field(default=90, ge=1)


class BookingConfig(_Section):
    """Consultations: booking rules (filled by the consultations feature)."""

    min_notice_hours: int = Field(default=12, ge=0)
    horizon_days: int = Field(default=28, ge=1, le=366)
    change_cutoff_hours: int = Field(default=24, ge=0)
    max_open_bookings: int = Field(default=3, ge=1)
    slots_per_page: int = Field(default=5, ge=1, le=10)
    call_link_template: str = "https://meet.jit.si/pumpurs-{room}"
    note_max_chars: int = Field(default=500, ge=1, le=2000)
    reason_max_chars: int = Field(default=300, ge=1, le=2000)
    urgent_window_days: int = Field(default=14, ge=0)
    auto_confirm_default: bool = True
    default_slot_minutes: int = Field(default=45, ge=10, le=240)
    evidence_due_hours: int = Field(default=24, ge=1)
    evidence_again_hours: int = Field(default=12, ge=1)
    agenda_hour: int = Field(default=8, ge=0, le=23)
    input_timeout_minutes: int = Field(default=30, ge=1)

    @field_validator("call_link_template")
    @classmethod
    def _check_template(cls, value: str) -> str:
        if "{room}" not in value:
            raise ValueError("must contain {room}")
        try:
            value.format(room="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"only {{room}} may be used ({exc})") from None
        return value


class CareConfig(_Section):
    """Care for emotional support: crisis words and alerts (filled by the care feature)."""


class RemindersConfig(_Section):
    """The reminder engine: offsets, quiet hours, rates (filled by the reminders feature)."""


class MealsConfig(_Section):
    """Meals delivered home and internship support (filled by the meals feature)."""


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Config(_Section):
    telegram: TelegramConfig = TelegramConfig()
    database: DatabaseConfig = DatabaseConfig()
    linking: LinkingConfig = LinkingConfig()
    i18n: I18nConfig = I18nConfig()
    helplines: HelplineConfig = HelplineConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    booking: BookingConfig = BookingConfig()
    care: CareConfig = CareConfig()
    reminders: RemindersConfig = RemindersConfig()
    meals: MealsConfig = MealsConfig()
    logging: LoggingConfig = LoggingConfig()

    def bot_token(self) -> str:
        """The token from the environment, else from the file; empty if neither."""
        return os.environ.get(TOKEN_ENV) or self.telegram.token.get_secret_value()


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    reason = first["msg"]
    if first["type"] == "extra_forbidden":
        reason = "unknown key"
    return f"{key}: {reason}"


def parse_config(data: dict[str, object], base_dir: Path | None = None) -> Config:
    """Validate a TOML document; relative database paths are taken from ``base_dir``."""
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    if base_dir is not None and not config.database.path.is_absolute():
        database = config.database.model_copy(update={"path": base_dir / config.database.path})
        config = config.model_copy(update={"database": database})
    return config


def load_config(path: Path) -> Config:
    """Read and validate the TOML file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_config(data, base_dir=path.parent)
