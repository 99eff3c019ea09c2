"""Settings from the environment (and a ``.env`` file), through pydantic-settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from commands.dates.day_parts import DayParts
from storage.db import DEFAULT_URL

TCHAP = "tchap.gouv.fr"  # the State's homeservers: agent.tchap.gouv.fr, e.tchap.gouv.fr …
DEFAULT_LEASE = 30.0  # seconds the replica running the Matrix side holds it between renewals
TCHAP_INTERVAL = 1.0  # the Tchap team asks bots for about one API call a second
STORE_FOLDER = "matrix-store"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default=DEFAULT_URL, alias="DATABASE_URL")
    # default: INFO when running on Slack/Matrix or serving HTTP (one line per event and
    # per delivery), WARNING in the console and the CLI's one-off commands
    log_level: str | None = Field(default=None, alias="GRAPPE_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field(default="text", alias="GRAPPE_LOG_FORMAT")
    ical_token: str | None = Field(default=None, alias="GRAPPE_ICAL_TOKEN")  # iCal feeds' secret

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    slack_timeout: float = Field(default=10.0, alias="SLACK_TIMEOUT")  # seconds per API call

    # `grappe serve`: the HTTP endpoints (Slack events, health) listen here
    serve_http: bool = Field(default=False, alias="GRAPPE_SERVE_HTTP")
    host: str = Field(default="0.0.0.0", alias="GRAPPE_HOST")
    port: int = Field(default=3000, alias="PORT")

    matrix_homeserver: str | None = Field(default=None, alias="MATRIX_HOMESERVER")
    matrix_user_id: str | None = Field(default=None, alias="MATRIX_USER_ID")
    matrix_access_token: str | None = Field(default=None, alias="MATRIX_ACCESS_TOKEN")
    matrix_password: str | None = Field(default=None, alias="MATRIX_PASSWORD")
    # the device of MATRIX_ACCESS_TOKEN (the homeserver's whoami says it when unset)
    matrix_device_id: str | None = Field(default=None, alias="MATRIX_DEVICE_ID")
    # Tchap's rules (docs/tchap.md), on by default when the homeserver is a Tchap one:
    # the bot never creates a room (a private message waits for the person's own direct
    # room), and waits this many seconds between two calls of the API
    matrix_no_room_creation: bool | None = Field(default=None,
                                                 alias="MATRIX_NO_ROOM_CREATION")
    matrix_call_interval: float | None = Field(default=None, ge=0, le=60,
                                               alias="MATRIX_CALL_INTERVAL")
    # several replicas: the one holding this lease (seconds, renewed every third of it)
    # runs the Matrix side — one device, one sync —, the others keep serving Slack and HTTP
    # and take over once it expires. Default: 30 on PostgreSQL; none on SQLite (one
    # process per file: a restart after a crash would wait for the dead one's lease)
    matrix_lease_seconds: float | None = Field(default=None, ge=0, le=600,
                                               alias="MATRIX_LEASE_SECONDS")
    # end-to-end encryption: the folder of the device's keys (nio's crypto store; "" = a
    # "matrix-store" folder next to the SQLite file, or in the working directory with
    # PostgreSQL): it must be on persistent storage, with the database. Whose devices get
    # the bot's room keys: "tofu" (trust on first use: every device of the room's members)
    # or "verified" (only the devices verified in that store)
    matrix_store_path: str = Field(default="", alias="MATRIX_STORE_PATH")
    matrix_trust: Literal["tofu", "verified"] = Field(default="tofu", alias="MATRIX_TRUST")
    # the secret under which the bot's cross-signing keys are kept in the database (unset:
    # the device is not cross-signed, and Element shows it unverified)
    matrix_recovery_key: str | None = Field(default=None, alias="MATRIX_RECOVERY_KEY")

    # the weekly digest and reminders: where charts are written ("" = the system's temporary
    # directory; shared storage when replicas run on several hosts), and how many business
    # hours before a request's deadline the enterprises that have not answered are reminded
    files_dir: str = Field(default="", alias="GRAPPE_FILES_DIR")
    nudge_hours: float = Field(default=24.0, alias="GRAPPE_NUDGE_HOURS")
    # the first answer promised to a client, in business hours, when the directory sets none
    first_response_hours: float = Field(default=8.0, alias="GRAPPE_FIRST_RESPONSE_HOURS")
    # requests closed more than this many months ago lose their client and need (none: kept)
    retention_months: int | None = Field(default=None, alias="GRAPPE_RETENTION_MONTHS")
    # what "matin", "après-midi" and "soir" mean when booking ("" = 09:00-12:30,
    # 14:00-18:00, 18:00-21:00)
    morning: str = Field(default="", alias="GRAPPE_MORNING")
    afternoon: str = Field(default="", alias="GRAPPE_AFTERNOON")
    evening: str = Field(default="", alias="GRAPPE_EVENING")
    # how long a poll option given by its start only lasts ("lundi 10h | mardi 14h")
    poll_option_minutes: int = Field(default=60, ge=5, le=24 * 60,
                                     alias="GRAPPE_POLL_OPTION_MINUTES")

    @field_validator("morning", "afternoon", "evening")
    @classmethod
    def _a_range_of_the_day(cls, value: str) -> str:
        DayParts.parse(morning=value)  # refused at start-up, not at the first booking
        return value

    def day_parts(self) -> DayParts:
        return replace(DayParts.parse(morning=self.morning, afternoon=self.afternoon,
                                      evening=self.evening),
                       option_minutes=self.poll_option_minutes)

    def matrix_store(self) -> Path:
        """Where the Matrix device's keys are kept (``MATRIX_STORE_PATH``)."""
        if self.matrix_store_path:
            return Path(self.matrix_store_path)
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).resolve().parent / STORE_FOLDER
        return Path(STORE_FOLDER).resolve()

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def matrix_enabled(self) -> bool:
        return bool(self.matrix_homeserver and self.matrix_user_id)

    @property
    def matrix_tchap(self) -> bool:
        """The homeserver (or the bot's account) is one of Tchap's: ``*.tchap.gouv.fr``."""
        hosts = [urlsplit(self.matrix_homeserver or "").hostname or "",
                 (self.matrix_user_id or "").partition(":")[2].split(":")[0]]
        return any(h == TCHAP or h.endswith("." + TCHAP) for h in map(str.lower, hosts))

    @property
    def matrix_room_creation(self) -> bool:
        """Whether the bot may create rooms (direct rooms): never on Tchap unless told."""
        if self.matrix_no_room_creation is None:
            return not self.matrix_tchap
        return not self.matrix_no_room_creation

    @property
    def matrix_pace(self) -> float:
        """Seconds between two Matrix API calls: about one a second on Tchap, none elsewhere."""
        if self.matrix_call_interval is None:
            return TCHAP_INTERVAL if self.matrix_tchap else 0.0
        return self.matrix_call_interval

    @property
    def matrix_lease(self) -> float:
        """Seconds of the Matrix side's lease (0: none, this process alone runs it)."""
        if self.matrix_lease_seconds is None:
            return 0.0 if self.database_url.startswith("sqlite") else DEFAULT_LEASE
        return self.matrix_lease_seconds

    @property
    def platforms(self) -> list[str]:
        found = [p for p, on in (("slack", self.slack_enabled),
                                 ("matrix", self.matrix_enabled)) if on]
        return found or ["console"]
