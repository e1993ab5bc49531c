"""Examples for the OpenAPI docs at ``/docs``, from the Swedish blog this project started from, and
helpers that attach them to routes whose bodies are not Pydantic models (plain text, forms)."""

from __future__ import annotations

from typing import Any

Responses = dict[int | str, dict[str, Any]]

SECRET = "whsec_3f1c9a0e5b7d42c8a6e1f0b9d2c4e7a18b5f3d6c9e0a2b4d7f1c3e5a7b9d0f2e4"
API_KEY = "key_Vq3xN8rT0bZkLm2pQw9sYd4fHj6uEc1aGo7iRn5tXv0"
TOKEN = "mod_p2Xk9LqR7vT3nB8sWd1yFh5jMc0zAe4uGo6iNt2rKb9"
MODEL_VERSION = "20261128-043518-a9fa"

SITE: dict[str, Any] = {
    "id": "anamma", "name": "Anamma", "url": "https://anamma.se", "languages": ["sv"],
    "topic": "Bloggen handlar om sociala medier, marknadsföring och kommunikation för företag.",
    "note_language": "sv", "shadow_mode": False, "callback_url": "https://anamma.se/wp-json/moderation/decided",
    "thresholds": {"spam": {"queue_at": 0.5, "remove_at": 0.95}, "off_topic": {"queue_at": 0.6, "remove_at": 0.97}},
    "rules": {"blocked_words": ["kasino"], "suspect_words": ["rabattkod"], "link_limit": 3}, "secret_rotating": False,
}  # fmt: skip

POST: dict[str, Any] = {
    "id": "p-7", "title": "Sociala medier = Corporate Responsibility",
    "body": "Företag borde söka upp missnöjda bloggande kunder i sociala medier, prata med dem och ta dem på allvar.",
    "url": "https://anamma.se/2008/12/sociala-medier", "tags": ["sociala medier", "företag"],
}  # fmt: skip

COMMENT: dict[str, Any] = {
    "site": "anamma", "comment_id": "c-1042", "post": POST,
    "author": {"name": "Karin", "email": "karin@example.com", "url": "", "ip": "203.0.113.7",
               "user_agent": "Mozilla/5.0"},
    "content": "Bra inlägg! Använd min rabattkod SPARA10 på kursen i sociala medier.",
    "created_at": "2026-11-28T10:15:00Z",
}  # fmt: skip

REASONS: list[dict[str, Any]] = [
    {"code": "suspect_word", "text": 'term "rabattkod"', "weight": 1.84, "task": "spam"},
    {"code": "exclamations", "text": "1 exclamation marks", "weight": 0.41, "task": "spam"},
    {"code": "similarity_post_words", "text": "high similarity to the post's words (0.44)", "weight": -1.69,
     "task": "off_topic"},
]  # fmt: skip
NOTE = 'Väntar på granskning eftersom den innehåller "rabattkod", ett ord som bloggen granskar.'

DECISION: dict[str, Any] = {
    "comment_id": "c-1042", "site": "anamma", "action": "queue", "scores": {"spam": 0.62, "off_topic": 0.08},
    "language": "sv", "reasons": REASONS, "note": NOTE, "model_version": MODEL_VERSION, "queue_item_id": 42,
}  # fmt: skip

QUEUE_ITEM: dict[str, Any] = {
    "id": 42, "site": "anamma", "comment_id": "c-1042", "status": "pending", "action": "queue", "label": None,
    "content": COMMENT["content"],
    "post": {"id": "p-7", "title": POST["title"], "url": POST["url"], "excerpt": POST["body"]},
    "author": {"name": "Karin", "email": "karin@example.com", "url": "", "ip": "203.0.113.7"},
    "author_history": {"approved": 3, "removed": 0}, "language": "sv", "scores": {"spam": 0.62, "off_topic": 0.08},
    "reasons": REASONS, "spans": [{"start": 23, "end": 32, "weight": 1.84}], "note": NOTE, "causes": ["suspect_word"],
    "received_at": "2026-11-28T10:15:02.118000Z", "model_version": MODEL_VERSION, "revision": 1,
}  # fmt: skip
DECIDED_ITEM = QUEUE_ITEM | {"status": "decided", "label": "spam", "revision": 2}

HISTORY: list[dict[str, Any]] = [
    {"actor": "model", "action": "queue", "label": None, "note": NOTE, "spam": 0.62, "off_topic": 0.08,
     "model_version": MODEL_VERSION, "at": "2026-11-28T10:15:02.118000Z"},
    {"actor": "token:3", "action": "remove", "label": "spam", "note": "rabattkoder är reklam", "spam": None,
     "off_topic": None, "model_version": "", "at": "2026-11-28T11:02:40.512000Z"},
]  # fmt: skip

STATS: dict[str, Any] = {
    "site": "anamma",
    "days": [
        {"date": "2026-11-28", "actions": {"approve": 112, "queue": 9, "remove": 31},
         "causes": {"spam": 27, "links": 12, "blocked_word": 4, "suspect_word": 6, "off_topic": 3},
         "decided": 9, "false_positives": 1, "missed": 0},
    ],
}  # fmt: skip

AKISMET_COMMENT: dict[str, str] = {
    "api_key": API_KEY, "blog": "https://anamma.se", "user_ip": "203.0.113.7", "user_agent": "Mozilla/5.0",
    "permalink": "https://anamma.se/2008/12/sociala-medier", "comment_type": "comment",
    "comment_author": "Lån Utan UC", "comment_author_email": "info@snabbkredit.example",
    "comment_content": "Låna 50 000 kr utan UC på www.snabbkredit.example",
}  # fmt: skip

METRICS = """\
# HELP moderation_decisions_total Webhook decisions by action answered
# TYPE moderation_decisions_total counter
moderation_decisions_total{action="approve"} 112.0
moderation_decisions_total{action="queue"} 9.0
moderation_decisions_total{action="remove"} 31.0
# HELP moderation_model_info The model version serving (value 1)
# TYPE moderation_model_info gauge
moderation_model_info{version="20261128-043518-a9fa"} 1.0
"""


def json_example(example: Any, status: int = 200, description: str = "Successful Response") -> Responses:
    """A ``responses=`` entry showing a JSON answer."""
    return {status: {"description": description, "content": {"application/json": {"example": example}}}}


def text_example(example: str, media_type: str = "text/plain", description: str = "Successful Response") -> Responses:
    """A ``responses=`` entry showing a plain-text (or CSV, or Prometheus) answer."""
    return {200: {"description": description, "content": {media_type: {"example": example}}}}


def form_body(example: dict[str, str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """An ``openapi_extra=`` request body for routes that read an ``application/x-www-form-urlencoded``
    form themselves (the Akismet protocol)."""
    schema = {"type": "object", "properties": {key: {"type": "string"} for key in example}, "required": list(required)}
    content = {"application/x-www-form-urlencoded": {"schema": schema, "example": example}}
    return {"requestBody": {"required": True, "content": content}}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """An ``openapi_extra=`` request body for routes that read and verify the raw JSON themselves
    (signed bodies); ``schema`` is a model's JSON schema, with its examples."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}
