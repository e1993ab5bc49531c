"""A moderator works the queue in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.conftest import fits_width, screenshot, seed_comments, sign_in

KEYS = {"ham": "a", "spam": "s", "off_topic": "o"}


def current_id(page) -> str:
    return page.evaluate("document.activeElement.closest('article.item').dataset.id")


def test_a_moderator_clears_fifty_comments_with_the_keyboard_alone(live, page):
    labels = {}
    for body in seed_comments(90):  # the blog queues everything but spam scored at exactly 1.0
        if live.send(body)["action"] == "queue":
            labels[body["comment_id"]] = body["_label"]
        if len(labels) == 50:
            break
    assert len(labels) == 50 and set(labels.values()) == {"ham", "spam", "off_topic"}
    queue_ids = {item["id"]: item["comment_id"] for item in live.api("/v1/queue?limit=100")["data"]}

    sign_in(page, live)
    expect(page.locator("#count")).to_have_text("50")
    expect(page.locator("article.item")).to_have_count(50)
    screenshot(page, "queue-desktop")
    first = current_id(page)
    page.keyboard.press("j")
    assert current_id(page) != first
    page.keyboard.press("k")
    assert current_id(page) == first
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()

    decided: dict[str, str] = {}
    for remaining in range(50, 0, -1):
        item_id = current_id(page)
        label = labels[queue_ids[int(item_id)]]
        if remaining == 45:  # a note for this decision: n, type, Enter returns to the comment
            page.keyboard.press("n")
            page.keyboard.type("decided with a note")
            page.keyboard.press("Enter")
            noted = item_id
        page.keyboard.press(KEYS[label])
        expect(page.locator("#count")).to_have_text(str(remaining - 1))
        decided[queue_ids[int(item_id)]] = label
        if remaining == 40:  # change of mind: undo brings the comment back, with the focus on it
            page.keyboard.press("u")
            expect(page.locator("#count")).to_have_text("40")
            expect(page.locator(f"#item-{item_id}")).to_be_visible()
            assert current_id(page) == item_id
            page.keyboard.press(KEYS[label])
            expect(page.locator("#count")).to_have_text("39")
    expect(page.locator("#cleared")).to_be_visible()

    assert live.api("/v1/queue")["count"] == 0
    stored = live.api("/v1/queue?status=decided&limit=100")["data"]
    assert {item["comment_id"]: item["label"] for item in stored} == decided == labels
    assert live.api(f"/v1/comments/{noted}")["history"][-1]["note"] == "decided with a note"
    undone = next(i for i, c in queue_ids.items() if c == list(decided)[10])
    history = live.api(f"/v1/comments/{undone}")["history"]
    assert [h["action"] for h in history][:3] == ["queue", history[1]["action"], "undo"]
    assert all(h["actor"].startswith("token:") for h in history[1:])


def test_bulk_decisions_filters_history_and_sign_out(live, page):
    queued = sum(live.send(body)["action"] == "queue" for body in seed_comments(12))
    spammer = {"name": "Cheap Pills", "email": "pills@spam.example", "url": "http://pills.example"}
    actions = {
        live.send({"site": "blog", "comment_id": f"spam-{n}", "author": spammer,
                   "content": f"Nice post. Visit my site http://pills.example for cheap meds, code {n}"})["action"]
        for n in range(3)
    }  # fmt: skip
    assert len(actions) == 1, "the spammer's three comments should fare alike"
    tab = {"queue": "pending", "remove": "removed"}[actions.pop()]
    sign_in(page, live)
    expect(page.locator("#count")).to_have_text(str(queued + 3 * (tab == "pending")))

    page.goto(f"{live.base}/ui/queue?status={tab}")
    page.keyboard.press("/")
    page.keyboard.type("pills@spam.example")
    page.keyboard.press("Enter")
    expect(page.locator("#count")).to_have_text("3")
    page.locator("article.item").first.focus()
    for _ in range(3):
        page.keyboard.press("x")
        page.keyboard.press("j")
    expect(page.locator("#selected-count")).to_have_text("3 selected")
    page.keyboard.press("s")
    expect(page.locator("#count")).to_have_text("0")
    spam = [i for i in live.api("/v1/queue?status=decided")["data"] if i["author"]["email"] == spammer["email"]]
    assert sorted(i["label"] for i in spam) == ["spam"] * 3
    page.keyboard.press("u")  # a bulk decision is undone as a whole
    expect(page.locator("#count")).to_have_text("3")
    assert live.api(f"/v1/queue?status={tab}&q=pills@spam.example")["count"] == 3
    page.locator(".same-author").first.click()
    expect(page.locator("#selected-count")).to_have_text("3 selected")
    page.get_by_role("button", name="Spam selected").click()
    expect(page.locator("#count")).to_have_text("0")

    page.goto(f"{live.base}/ui/queue")
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Filter").click()
    languages = page.locator("article.item .language").all_inner_texts()
    assert languages and all(text == "English (en)" for text in languages)

    page.goto(f"{live.base}/ui/queue?status=decided")
    expect(page.locator("#count")).to_have_text("3")
    page.locator("article.item").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/comments/*")
    rows = page.locator(".history tbody tr").all_inner_texts()
    assert "automatic" in rows[0] and {"pending": "queue", "removed": "remove"}[tab] in rows[0]
    assert any("moderator" in row and "spam" in row for row in rows[1:])
    screenshot(page, "comment-desktop")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/ui/login")
    page.goto(f"{live.base}/ui/queue")
    assert "/ui/login" in page.url


def test_a_moderator_of_another_site_sees_none_of_its_comments(live, page):
    body = seed_comments(1)[0]
    live.send(body)
    item_id = live.api("/v1/queue")["data"][0]["id"]
    sign_in(page, live, live.other_token)
    expect(page.locator("#count")).to_have_text("0")
    assert body["content"][:30] not in page.content()
    response = page.goto(f"{live.base}/ui/comments/{item_id}")
    assert response.status == 404
    response = page.goto(f"{live.base}/ui/queue?site=blog")
    assert response.status == 400 and body["content"][:30] not in page.content()


def test_the_queue_and_a_comment_fit_a_phone(live, browser):
    queued = sum(live.send(body)["action"] == "queue" for body in seed_comments(6))
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, live)
        expect(page.locator("article.item")).to_have_count(queued)
        assert fits_width(page)
        screenshot(page, "queue-phone")
        page.locator("article.item h2 a").first.click()
        page.wait_for_url("**/ui/comments/*")
        assert fits_width(page)
        screenshot(page, "comment-phone")
    finally:
        context.close()


def test_every_control_has_a_name_a_screen_reader_can_read(live, page):
    for body in seed_comments(4):
        live.send(body)
    sign_in(page, live)
    for path in ("/ui/queue", "/ui/queue?status=decided", "/ui/overview"):
        page.goto(f"{live.base}{path}")
        unnamed = page.evaluate(
            """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, button, a[href]'))
                .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                                && !el.textContent.trim() && !el.getAttribute('title'))
                .map((el) => el.outerHTML.slice(0, 80))"""
        )
        assert unnamed == [], f"{path}: controls without an accessible name: {unnamed}"
        assert page.locator("main h1").count() == 1
