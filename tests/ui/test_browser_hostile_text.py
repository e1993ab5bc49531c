"""Hostile comments are shown as text: no script runs, no link leads anywhere unsafe, layout holds."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.conftest import fits_width, sign_in

PWN = "window.__pwned = (window.__pwned || 0) + 1"
HOSTILE = [
    ("h-script", f"<script>{PWN}</script>Nice post!", {"name": f"<script>{PWN}</script>"}),
    ("h-img", f'<img src=x onerror="{PWN}"> look <b onmouseover="{PWN}">here</b>',
     {"name": f'"><img src=x onerror="{PWN}">', "url": f"javascript:{PWN}"}),
    ("h-broken", "</div></article></ol><div style='position:fixed;inset:0'>covered</div><!-- unclosed",
     {"name": "</bdi></dd></dl>", "url": "data:text/html,<script>alert(1)</script>"}),
    ("h-rtl", "Pay here \u202egpj.exe\u202c now \u200b\u2066hidden\u2069", {"name": "\u202eevil\u202c"}),
    ("h-long", "x" * 5000 + " " + "http://" + "a" * 3000 + ".example", {"name": "N" * 480, "url": "https://" + "u" * 900 + ".example"}),
    ("h-svg", f'<svg onload="{PWN}"></svg><iframe src="javascript:{PWN}"></iframe>', {"email": "<x@y>"}),
]  # fmt: skip


def test_hostile_comments_are_displayed_as_text_and_no_script_runs(live, page):
    for comment_id, content, author in HOSTILE:
        live.send({
            "site": "blog", "comment_id": comment_id, "content": content,
            "author": {"name": "Mallory", "email": "m@evil.example", **author},
            "post": {"id": "p-evil", "title": f"</title><script>{PWN}</script>Evil post", "url": f"javascript:{PWN}",
                     "body": f"<style>body{{display:none}}</style><script>{PWN}</script>"},
        })  # fmt: skip
    pending = live.api("/v1/queue")["count"]
    removed = live.api("/v1/queue?status=removed")["count"]
    assert pending + removed == len(HOSTILE)

    sign_in(page, live)
    response = page.goto(f"{live.base}/ui/queue?status=pending")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for status, count in (("pending", pending), ("removed", removed)):
        page.goto(f"{live.base}/ui/queue?status={status}")
        expect(page.locator("article.item")).to_have_count(count)
        page.mouse.move(200, 300)
        for item in page.locator("article.item").all():
            item.hover()
        assert page.evaluate("window.__pwned") is None
        assert page.locator("script:not([src])").count() == 0
        assert page.locator("[onerror], [onload], [onmouseover], iframe, svg, img").count() == 0
        assert page.locator("a[href^='javascript:'], a[href^='data:']").count() == 0
        assert fits_width(page)

    texts = {}
    for status in ("pending", "removed"):
        page.goto(f"{live.base}/ui/queue?status={status}")
        for item in page.locator("article.item").all():
            texts[item.get_attribute("data-id")] = item.locator(".content").inner_text()
    shown = "\n".join(texts.values())
    assert "<script>window.__pwned" in shown and '<img src=x onerror="' in shown
    assert "</div></article></ol>" in shown and "U+202E" in shown and "U+200B" in shown
    assert page.locator("body").is_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    for item_id in texts:
        page.goto(f"{live.base}/ui/comments/{item_id}")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("a[href^='javascript:'], a[href^='data:']").count() == 0
        assert fits_width(page), f"comment {item_id} overflows a phone screen"
        expect(page.locator("h1")).to_contain_text(f"Comment #{item_id}")
