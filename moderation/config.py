"""The one settings object. Nothing else in the package reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-key-change-me"


class Settings(BaseSettings):
    """Settings from ``MODERATION_*`` environment variables or a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="MODERATION_", env_file=".env", extra="ignore")

    models_dir: Path = Path("models")
    data_dir: Path = Path("data")
    database_url: str = "sqlite:///var/moderation.db"
    # Webhook secrets are derived from this key, so none is stored; changing it invalidates them all.
    secret_key: str = Field(default=DEVELOPMENT_SECRET, min_length=16)
    environment: str = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    max_content_chars: int = Field(default=65536, ge=1)
    max_body_bytes: int = Field(default=262144, ge=1024)
    signature_tolerance_s: int = Field(default=300, ge=1)
    # Webhooks being scored at once per process; more are answered 503 + Retry-After (BENCHMARKS.md).
    max_in_flight: int = Field(default=8, ge=1)
    # Threads per process that score and store comments. The work is nearly all CPU: more threads
    # of one interpreter add no parallelism, only waits (a thread holding SQLite's write turn or a
    # PostgreSQL round trip queues for the GIL behind others scoring). PostgreSQL had 2 while a
    # webhook waited on it 5 times; at one round trip, 1 thread answered more at 300/s, with a
    # lower p99, in each of three alternating pairs (BENCHMARKS.md). ``workers`` use the cores.
    decision_threads: int = Field(default=1, ge=1)
    callback_interval_s: float = Field(default=1.0, ge=0)  # 0: this process delivers no callbacks
    # How long a process keeps a site's settings for its webhooks (moderation.site_cache): a change
    # made by another process is seen within this many seconds; 0 reads the site for every webhook.
    site_cache_s: float = Field(default=2.0, ge=0)
    ui_session_hours: float = Field(default=12.0, gt=0)  # how long a moderator stays signed in to /ui/
    # Promotion guard (moderation.promotion.PromotionRule): how much worse than the champion a
    # challenger may be on each evaluation set, and how many positives a set needs to be judged on.
    promote_max_f1_drop: float = Field(default=0.02, ge=0, le=1)
    promote_max_precision_drop: float = Field(default=0.01, ge=0, le=1)
    promote_min_positives: int = Field(default=10, ge=1)

    def check(self) -> None:
        """Refuse the placeholder secret outside development, saying what was found."""
        if self.environment != "development" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError(
                f"MODERATION_SECRET_KEY is the development placeholder while MODERATION_ENVIRONMENT is "
                f"{self.environment!r}; set a random key of at least 16 characters"
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
