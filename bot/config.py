"""Configuration: one pydantic model per TOML table, loaded once at start.

A bad file never half-starts the bot: :func:`load_config` raises :class:`ConfigError`
with one line that names the key and the reason, and the CLI exits with status 2.
"""

from __future__ import annotations

import datetime as dt
import os
import string
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.domain.crisis import (
    RuleSet,
    check_terms,
    default_rules,
    load_rules_file,
    merge_rules,
    parse_entry,
)

TOKEN_ENV = "PUMPURS_BOT_TOKEN"  # noqa: S105 - the variable's name, not a secret
SECRET_KEY_ENV = "PUMPURS_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret
# Secrets that guard a door (the webhook, the link codes' HMAC) are long and random.
MIN_SECRET_CHARS = 32


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
    # Below PTB's 256 HTTP connections, leaving room for the urgent lane and reminders.
    max_concurrent_updates: int = Field(default=64, ge=1, le=128)
    webhook: WebhookConfig = WebhookConfig()

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramConfig:
        if self.mode != "webhook":
            return self
        if not self.webhook.url:
            raise ValueError("webhook.url is required when mode = 'webhook'")
        # Without the secret anyone who finds the URL can post updates as any user.
        if len(self.webhook.secret_token.get_secret_value()) < MIN_SECRET_CHARS:
            raise ValueError(
                "telegram.webhook.secret_token is required when mode = 'webhook': at least "
                f"{MIN_SECRET_CHARS} random characters of A-Z, a-z, 0-9, _ and -"
            )
        return self


class DatabaseConfig(_Section):
    path: Path = Path("pumpurs.sqlite3")
    busy_timeout_ms: int = Field(default=5000, ge=0)
    # WAL checkpoints in the background (storage/checkpoints.py); 0: inside COMMIT.
    checkpoint_seconds: float = Field(default=1.0, ge=0, le=60)
    checkpoint_idle_seconds: float = Field(default=2.0, gt=0, le=600)
    max_wal_mb: int = Field(default=64, ge=1, le=4096)


class LinkingConfig(_Section):
    code_ttl_hours: int = Field(default=14 * 24, ge=1)
    max_failed_attempts: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    # Wrong codes a minute, across all accounts, before linking waits (per school / at all).
    school_failures_per_minute: int = Field(default=10, ge=1)
    global_failures_per_minute: int = Field(default=30, ge=1)
    # The key of the codes' HMAC; PUMPURS_SECRET_KEY in the environment comes first.
    secret_key: SecretStr = SecretStr("")

    @field_validator("secret_key")
    @classmethod
    def _check_key(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        if raw and len(raw) < MIN_SECRET_CHARS:
            raise ValueError(f"must be at least {MIN_SECRET_CHARS} characters")
        return value


class I18nConfig(_Section):
    default_language: Literal["lv", "ru", "en"] = "lv"


class HelplineConfig(_Section):
    children_helpline: str = "116111"
    emergency: str = "112"


class PrivacyConfig(_Section):
    """How long what the bot holds is kept (the reasons are in the README)."""

    free_text_retention_days: int = Field(default=90, ge=1)
    reminder_retention_days: int = Field(default=30, ge=1)
    audit_retention_days: int = Field(default=730, ge=1)
    crisis_event_retention_days: int = Field(default=365, ge=1)
    unlinked_account_days: int = Field(default=30, ge=1)
    care_retention_days: int = Field(default=365, ge=1)
    waitlist_retention_days: int = Field(default=90, ge=1)
    calendar_copy_retention_days: int = Field(default=30, ge=1)
    broadcast_retention_days: int = Field(default=30, ge=1)


class BookingConfig(_Section):
    """Consultations: the booking rules, the call link, the specialist's day."""

    min_notice_hours: int = Field(default=12, ge=0)
    horizon_days: int = Field(default=28, ge=1, le=366)
    change_cutoff_hours: int = Field(default=24, ge=0)
    specialist_cancel_cutoff_hours: int = Field(default=24, ge=0)
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
    waitlist_hold_minutes: int = Field(default=60, ge=5, le=24 * 60)
    series_max_weeks: int = Field(default=20, ge=2, le=52)

    @field_validator("call_link_template")
    @classmethod
    def _check_template(cls, value: str) -> str:
        try:
            fields = [(n, spec, conv) for _, n, spec, conv in string.Formatter().parse(value)]
        except ValueError as exc:
            raise ValueError(f"not a valid template ({exc})") from None
        used = [field for field in fields if field[0] is not None]
        # Only a bare {room}: "{room.x}" or "{room!r}" would fail or leak at the first booking.
        if not used or any(field != ("room", "", None) for field in used):
            raise ValueError("must contain {room}, and no other {...} field")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be a web address starting with https://")
        return value


class CrisisTermsConfig(_Section):
    """Entries per language, written as in the crisis rules file (bot/domain/crisis/rules.toml)."""

    lv: list[str] = []
    ru: list[str] = []
    en: list[str] = []

    @field_validator("lv", "ru", "en")
    @classmethod
    def _check_terms(cls, value: list[str]) -> list[str]:
        check_terms(value)
        return value

    def by_language(self) -> dict[str, tuple[str, ...]]:
        return {lang: tuple(terms) for lang, terms in self.model_dump().items() if terms}


class CrisisGroupWordsConfig(CrisisTermsConfig):
    """Words added to a group of the rules; "-word" keeps a form out of it."""

    @field_validator("lv", "ru", "en")
    @classmethod
    def _check_terms(cls, value: list[str]) -> list[str]:
        for entry in value:
            parse_entry(entry, may_exclude=True)
        return value


class ExtraWordsConfig(_Section):
    """Terms that alone mean a category, and words added to the rules' groups."""

    suicide: CrisisTermsConfig = CrisisTermsConfig()
    overdose: CrisisTermsConfig = CrisisTermsConfig()
    danger: CrisisTermsConfig = CrisisTermsConfig()
    self_harm: CrisisTermsConfig = CrisisTermsConfig()
    sexual_abuse: CrisisTermsConfig = CrisisTermsConfig()
    abuse: CrisisTermsConfig = CrisisTermsConfig()
    # The retired category "violence": its terms are added to "abuse".
    violence: CrisisTermsConfig = CrisisTermsConfig()
    groups: dict[str, CrisisGroupWordsConfig] = {}

    def terms(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """Per category, per language, the terms to add (violence counted as abuse)."""
        terms: dict[str, dict[str, tuple[str, ...]]] = {}
        for name, config in ((n, getattr(self, n)) for n in type(self).model_fields):
            if isinstance(config, CrisisTermsConfig):
                target = terms.setdefault("abuse" if name == "violence" else name, {})
                for lang, entries in config.by_language().items():
                    target[lang] = target.get(lang, ()) + entries
        return {name: by_language for name, by_language in terms.items() if by_language}


class CareConfig(_Section):
    """Care for emotional support: crisis words, the answer shown, and on-duty alerts."""

    # A rules file laid out like bot/domain/crisis/rules.toml that replaces the shipped one.
    words_file: Path | None = None
    # Terms and group words added to the rules in force.
    extra_words: ExtraWordsConfig = ExtraWordsConfig()
    # The learned net behind the rules: alerts on what the rules let pass when it is sure.
    learned: bool = True
    # Alert the school's on-duty specialists when a pupil or parent writes words of crisis.
    on_duty_alert: bool = True
    # At most one alert about the same pupil in this many minutes (the helplines always show).
    alert_every_minutes: int = Field(default=30, ge=0)
    # An alert nobody has taken ("I'm on it") within this many minutes goes one level up:
    # on-duty specialists -> the school's coordinators -> the region's coordinators.
    escalate_after_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Whether alerts also climb at night (21:00-08:00); if not, they climb in the morning.
    escalate_at_night: bool = False
    # How long a conversation in the chat opened from an alert stays open, in minutes.
    chat_minutes: int = Field(default=120, ge=10, le=24 * 60)
    # The answer to words of crisis per language; empty = the built-in, translated text.
    message_lv: str = ""
    message_ru: str = ""
    message_en: str = ""

    @field_validator("words_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("words_file")
    @classmethod
    def _check_words_file(cls, value: Path | None) -> Path | None:
        if value is not None:
            load_rules_file(value)  # a bad file fails at start, not at the first message
        return value

    @field_validator("extra_words")
    @classmethod
    def _check_groups(cls, value: ExtraWordsConfig, info: ValidationInfo) -> ExtraWordsConfig:
        words_file = info.data.get("words_file")
        base = load_rules_file(words_file) if words_file else default_rules()
        unknown = sorted(set(value.groups) - set(base.groups))
        if unknown:
            raise ValueError(f"groups.{unknown[0]}: the rules have no such group")
        return value

    @field_validator("message_lv", "message_ru", "message_en")
    @classmethod
    def _check_message(cls, value: str) -> str:
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(value) if name}
        except ValueError as exc:
            raise ValueError(f"not a valid text ({exc})") from None
        unknown = fields - {"helpline", "emergency"}
        if unknown:
            raise ValueError(
                f"unknown placeholder {sorted(unknown)[0]!r}; use {{helpline}} and {{emergency}}"
            )
        try:  # as it will be used: "{helpline:d}" parses, but fails with the real number
            value.format(helpline="116111", emergency="112")
        except (ValueError, IndexError, KeyError) as exc:
            raise ValueError(f"cannot be filled in ({exc})") from None
        return value

    def rules_source(self) -> str:
        """Everything :meth:`word_lists` reads besides the shipped files, as one text."""
        words = self.words_file.read_text(encoding="utf-8") if self.words_file else ""
        return f"{words}\0{self.extra_words.model_dump_json()}"

    def word_lists(self) -> RuleSet:
        """The crisis rules in force: the file's (or the shipped ones) plus ``extra_words``."""
        base = load_rules_file(self.words_file) if self.words_file else default_rules()
        groups = {name: words.by_language() for name, words in self.extra_words.groups.items()}
        return merge_rules(base, terms=self.extra_words.terms(), groups=groups)

    def message(self, language: str) -> str:
        """The configured answer in ``language``; empty means the catalog's text."""
        return {"lv": self.message_lv, "ru": self.message_ru, "en": self.message_en}.get(
            language, ""
        )


class RemindersConfig(_Section):
    """The reminder engine: offsets before a session, quiet hours, sending rates."""

    # Minutes before a session, per recipient role, unless the user chose otherwise.
    specialist_offsets: tuple[int, ...] = (24 * 60, 15)
    pupil_offsets: tuple[int, ...] = (120,)
    guardian_offsets: tuple[int, ...] = (120,)
    # What /settings offers to choose from.
    specialist_offset_choices: tuple[int, ...] = (24 * 60, 120, 15)
    pupil_offset_choices: tuple[int, ...] = (120, 60, 30)
    quiet_start: dt.time = dt.time(21, 0)
    quiet_end: dt.time = dt.time(8, 0)
    quiet_roles: tuple[str, ...] = ("pupil", "guardian")
    rate_per_second: float = Field(default=30.0, ge=0)
    per_chat_seconds: float = Field(default=1.0, ge=0)
    batch_size: int = Field(default=100, ge=1, le=1000)
    max_attempts: int = Field(default=5, ge=1)
    backoff_seconds: float = Field(default=10.0, gt=0)
    max_backoff_seconds: float = Field(default=600.0, gt=0)
    sweep_seconds: float = Field(default=30.0, gt=0)

    @field_validator(
        "specialist_offsets",
        "pupil_offsets",
        "guardian_offsets",
        "specialist_offset_choices",
        "pupil_offset_choices",
    )
    @classmethod
    def _check_offsets(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(minutes <= 0 for minutes in value):
            raise ValueError("give at least one offset, each a positive number of minutes")
        return tuple(sorted(set(value), reverse=True))

    @field_validator("quiet_roles")
    @classmethod
    def _check_roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = {"pupil", "guardian", "specialist", "coordinator", "caterer"}
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"unknown role {sorted(unknown)[0]!r}")
        return value

    def offsets_for(self, role: str) -> tuple[int, ...]:
        """The default minutes before a session for a recipient of ``role``."""
        if role == "specialist":
            return self.specialist_offsets
        if role == "guardian":
            return self.guardian_offsets
        return self.pupil_offsets

    def offset_choices_for(self, role: str) -> tuple[int, ...]:
        if role == "specialist":
            return self.specialist_offset_choices
        return self.pupil_offset_choices


_CLOCK_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


class MealsConfig(_Section):
    """Meals delivered home and internship support."""

    rules_file: str = ""
    notice_time: str = Field(default="18:00", pattern=_CLOCK_TIME)
    receipt_question_time: str = Field(default="15:00", pattern=_CLOCK_TIME)
    plan_days_ahead: int = Field(default=7, ge=1, le=31)
    input_timeout_minutes: int = Field(default=30, ge=1, le=24 * 60)
    max_claim_euros: int = Field(default=200, ge=1, le=10_000)

    @field_validator("rules_file")
    @classmethod
    def _check_rules(cls, value: str) -> str:
        if value:
            from bot.domain.eligibility import RulesError, load_rules

            try:
                load_rules(Path(value))
            except RulesError as exc:
                raise ValueError(str(exc)) from None
        return value


class FiguresConfig(_Section):
    """Figures for coordinators: the weekly digest and what it points out."""

    # The digest of last week's figures: ISO weekday (1 = Monday) and Riga hour.
    digest_weekday: int = Field(default=1, ge=1, le=7)
    digest_hour: int = Field(default=8, ge=0, le=23)
    # A request unanswered this many days, or a claim waiting this many working days,
    # is pointed out in the digest.
    stale_request_days: int = Field(default=2, ge=1)
    claim_wait_working_days: int = Field(default=3, ge=1)


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
    figures: FiguresConfig = FiguresConfig()
    logging: LoggingConfig = LoggingConfig()

    @model_validator(mode="after")
    def _crisis_events_outlive_urgency(self) -> Config:
        if self.privacy.crisis_event_retention_days < self.booking.urgent_window_days:
            raise ValueError(
                "privacy.crisis_event_retention_days: must be at least"
                " booking.urgent_window_days (urgent requests are known by these events)"
            )
        return self

    def bot_token(self) -> str:
        """The token from the environment, else from the file; empty if neither."""
        return os.environ.get(TOKEN_ENV) or self.telegram.token.get_secret_value()

    def secret_key(self) -> str:
        """The server's secret key from the environment, else the file; empty if neither."""
        return os.environ.get(SECRET_KEY_ENV) or self.linking.secret_key.get_secret_value()

    def require_secret_key(self) -> bytes:
        """The secret key, or a :class:`ConfigError` naming where to set it."""
        key = self.secret_key()
        if len(key) < MIN_SECRET_CHARS:
            what = "not set" if not key else f"shorter than {MIN_SECRET_CHARS} characters"
            raise ConfigError(
                f"linking.secret_key: {what} (set {SECRET_KEY_ENV} or [linking] secret_key"
                f" to at least {MIN_SECRET_CHARS} random characters)"
            )
        return key.encode("utf-8")


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    reason = first["msg"]
    if first["type"] == "extra_forbidden":
        reason = "unknown key"
    elif first["type"] == "value_error":
        reason = str((first.get("ctx") or {}).get("error", reason))
    # A check across tables names its keys itself.
    return f"{key}: {reason}" if key else reason


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
