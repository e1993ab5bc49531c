"""The OpenAPI document at /openapi.json (rendered at /docs): every operation is described and
shows an example of its request body and of its success answer, in their real media types."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from moderation.api import schemas
from moderation.api.app import create_app
from moderation.config import Settings
from tests.api.conftest import SECRET_KEY


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory, models_dir) -> dict[str, Any]:
    database = tmp_path_factory.mktemp("openapi") / "moderation.db"
    settings = Settings(
        database_url=f"sqlite:///{database}", models_dir=models_dir, secret_key=SECRET_KEY, callback_interval_s=0
    )
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            return client.get("/openapi.json").json()
    finally:
        app.state.engine.dispose()


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def missing_examples(document: dict[str, Any], content: dict[str, Any]) -> list[str]:
    """The media types of ``content`` without an example (on the media type or its schema)."""
    if not content:
        return ["(no content)"]
    return [
        media_type
        for media_type, media in content.items()
        if not {"example", "examples"} & (set(media) | set(resolve(document, media.get("schema", {}))))
    ]


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, ops in document["paths"].items() for method, op in ops.items()]


def test_every_operation_is_described_with_a_success_example(openapi):
    problems = []
    for name, op in operations(openapi):
        if not op.get("summary") or not op.get("description"):
            problems.append(f"{name}: no summary or description")
        success = min(code for code in op["responses"] if code.startswith("2"))
        for media_type in missing_examples(openapi, op["responses"][success].get("content", {})):
            problems.append(f"{name}: no example of its {success} answer in {media_type}")
    assert not problems, "\n".join(problems)


def test_every_request_body_has_an_example(openapi):
    problems = [
        f"{name}: no request example in {media_type}"
        for name, op in operations(openapi)
        if "requestBody" in op
        for media_type in missing_examples(openapi, op["requestBody"]["content"])
    ]
    assert not problems, "\n".join(problems)


def test_plain_text_and_form_routes_show_their_real_media_types(openapi):
    paths = openapi["paths"]
    check = paths["/1.1/comment-check"]["post"]
    assert "application/x-www-form-urlencoded" in check["requestBody"]["content"]
    assert check["responses"]["200"]["content"]["text/plain"]["example"] in ("true", "false")
    assert "text/csv" in paths["/1.2/key-sites"]["get"]["responses"]["200"]["content"]
    assert "# TYPE" in next(iter(paths["/metrics"]["get"]["responses"]["200"]["content"].values()))["example"]
    assert not [path for path in paths if path.startswith("/ui")]


def test_the_site_and_token_operations_are_documented(openapi):
    names = {name for name, _ in operations(openapi)}
    assert {
        "POST /v1/sites", "GET /v1/sites", "GET /v1/sites/{site_id}", "PATCH /v1/sites/{site_id}",
        "POST /v1/sites/{site_id}/rotate-secret", "POST /v1/tokens",
    } <= names  # fmt: skip


def test_the_models_examples_are_valid_bodies():
    models = [
        value for value in vars(schemas).values()
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == schemas.__name__
    ]  # fmt: skip
    checked = 0
    for model in models:
        for example in (model.model_config.get("json_schema_extra") or {}).get("examples", []):
            model.model_validate(example)
            checked += 1
    assert checked >= 15
