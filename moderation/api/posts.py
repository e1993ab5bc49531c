"""A site's posts, registered so that comments sent without their post's text (the Akismet
protocol sends only a permalink) are still judged against the post."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response
from sqlalchemy.orm import Session

from moderation.api import examples
from moderation.api.comments import ERRORS, run_signed
from moderation.api.errors import validated
from moderation.api.schemas import PostIn
from moderation.intake import SiteConfig
from moderation.posts import save_post

router = APIRouter(prefix="/v1/sites", tags=["posts"])
POSTED = {"site": "anamma", "post_id": "p-7", "url": examples.POST["url"], "updated_at": "2026-11-28T09:58:11.204000Z"}


@router.put(
    "/{site_id}/posts/{post_id}",
    summary="Register a post (signed)",
    responses=ERRORS | examples.json_example(POSTED, 200, "Replaced") | examples.json_example(POSTED, 201, "Created"),
    openapi_extra=examples.json_body(PostIn.model_json_schema()),
)
async def put_post(
    site_id: str,
    post_id: Annotated[str, Path(min_length=1, max_length=200)],
    request: Request,
    response: Response,
    x_moderation_signature: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Create or replace a post: JSON ``{"title", "body", "url", "tags"}``, signed like the webhook.
    Answers 201 when the post is new, 200 when it replaced the stored one."""

    def store(session: Session, site: SiteConfig, raw: Any) -> dict[str, Any]:
        post = validated(PostIn, raw)
        row, created = save_post(session, site.id, post_id, post.title, post.body, post.url, post.tags)
        session.commit()
        response.status_code = 201 if created else 200
        return {"site": row.site_id, "post_id": row.post_id, "url": row.url, "updated_at": row.updated_at}

    return await run_signed(request, store, x_moderation_signature, site_id)
