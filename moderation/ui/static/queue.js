// The queue with the keyboard: j/k move, a/s/o decide, x selects, u undoes, ? shows the keys.
// Decisions are sent with fetch and the comment leaves the list in place; without JavaScript the same
// forms post and the page reloads. No data is ever put into the page as HTML here: text only.
"use strict";

(function () {
  const list = document.getElementById("items");
  const statusBox = document.getElementById("status");
  const help = document.getElementById("help");
  const VERDICT_WORDS = { approve: "approved", spam: "removed as spam", off_topic: "removed as off-topic" };
  const undoStack = []; // [{ids: [..], articles: [..]}], the newest last
  let current = -1;

  function say(message) {
    statusBox.textContent = "";
    // A fresh text node makes screen readers announce a repeated message too.
    window.setTimeout(() => { statusBox.textContent = message; }, 30);
  }

  function items() {
    return list ? Array.from(list.querySelectorAll("article.item:not([hidden])")) : [];
  }

  function focusItem(index, scroll = true) {
    const all = items();
    if (all.length === 0) { current = -1; return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((el) => el.classList.remove("current"));
    const el = all[current];
    el.classList.add("current");
    el.focus({ preventScroll: true });
    if (scroll) el.scrollIntoView({ block: "nearest" });
  }

  function currentItem() {
    const all = items();
    const focused = document.activeElement && document.activeElement.closest("article.item:not([hidden])");
    if (focused) { current = all.indexOf(focused); return focused; }
    return current >= 0 ? all[current] : null;
  }

  function selected() {
    return items().filter((el) => el.querySelector("input.select").checked);
  }

  function updateSelected() {
    const box = document.getElementById("selected-count");
    if (box) box.textContent = selected().length + " selected";
  }

  function csrf() {
    const field = document.querySelector("#bulk input[name=csrf]");
    return field ? field.value : "";
  }

  function setCount(delta) {
    const box = document.getElementById("count");
    if (box) box.textContent = String(Math.max(0, Number(box.textContent) + delta));
  }

  async function post(url, data) {
    data.append("csrf", csrf());
    const response = await fetch(url, {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" },
    });
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    if (response.status === 401) { window.location.assign("/ui/login?next=" + encodeURIComponent(location.pathname + location.search)); }
    if (!response.ok) {
      const message = body.error ? body.error.message : (body.failed && body.failed.length ? body.failed[0].message : response.statusText);
      throw new Error(message);
    }
    return body;
  }

  async function decide(articles, verdict) {
    if (articles.length === 0) return;
    const data = new FormData();
    articles.forEach((el) => data.append("ids", el.dataset.id));
    data.append("verdict", verdict);
    const noteField = articles.length === 1 ? articles[0].querySelector(".note-input") : null;
    data.append("note", noteField ? noteField.value : "");
    const index = Math.max(0, items().indexOf(articles[0]));
    try {
      const result = await post("/ui/decide", data);
      const done = new Set(result.decided.map((d) => String(d.id)));
      const gone = articles.filter((el) => done.has(el.dataset.id));
      gone.forEach((el) => {
        el.hidden = true;
        el.classList.remove("current");
        el.querySelector("input.select").checked = false;
      });
      if (gone.length) undoStack.push({ ids: gone.map((el) => el.dataset.id), articles: gone });
      setCount(-gone.length);
      updateSelected();
      let message = gone.length === 1 ? "Comment #" + gone[0].dataset.id + " " + VERDICT_WORDS[verdict] + "."
        : gone.length + " comments " + VERDICT_WORDS[verdict] + ".";
      if (result.failed.length) message += " " + result.failed.length + " not decided: " + result.failed[0].message;
      say(message + (gone.length ? " Press u to undo." : ""));
      if (items().length === 0) {
        const cleared = document.getElementById("cleared");
        if (cleared) cleared.hidden = false;
        document.getElementById("main").focus();
      } else {
        focusItem(index);
      }
    } catch (error) {
      say("Not decided: " + error.message);
    }
  }

  async function undoLast() {
    const last = undoStack.pop();
    if (!last) {
      const decided = currentItem();
      if (decided && decided.classList.contains("status-decided")) return undoDecided(decided);
      say("Nothing to undo.");
      return;
    }
    const back = [];
    for (const el of last.articles) {
      const data = new FormData();
      data.append("id", el.dataset.id);
      try {
        await post("/ui/undo", data);
        el.hidden = false;
        back.push(el);
      } catch (error) {
        say("Could not undo #" + el.dataset.id + ": " + error.message);
      }
    }
    if (back.length) {
      setCount(back.length);
      const cleared = document.getElementById("cleared");
      if (cleared) cleared.hidden = true;
      focusItem(items().indexOf(back[0]));
      say("Undone: " + back.map((el) => "#" + el.dataset.id).join(", ") + " is back.");
    }
  }

  async function undoDecided(article) {
    const data = new FormData();
    data.append("id", article.dataset.id);
    try {
      await post("/ui/undo", data);
      const index = items().indexOf(article);
      article.hidden = true;
      setCount(-1);
      focusItem(index);
      say("Decision on #" + article.dataset.id + " undone: it is back where it was.");
    } catch (error) {
      say("Could not undo: " + error.message);
    }
  }

  function toggleSelect(article) {
    const box = article.querySelector("input.select");
    box.checked = !box.checked;
    updateSelected();
    say((box.checked ? "Selected" : "Unselected") + " #" + article.dataset.id + ". " + selected().length + " selected.");
  }

  function showHelp() {
    if (help && !help.open) help.showModal();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("dialog")) return; // the dialog's own keys (Escape closes it)
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape" || (event.key === "Enter" && target.classList.contains("note-input"))) {
        event.preventDefault();
        const article = target.closest("article.item");
        if (article) article.focus(); else target.blur();
      }
      return;
    }
    if (!list) return;
    const article = currentItem();
    const chosen = selected();
    const verdicts = { a: "approve", s: "spam", o: "off_topic" };
    switch (event.key) {
      case "j": focusItem(current + 1); break;
      case "k": focusItem(current < 0 ? 0 : current - 1); break;
      case "a": case "s": case "o":
        if (chosen.length) decide(chosen, verdicts[event.key]);
        else if (article && article.querySelector("form.decide")) decide([article], verdicts[event.key]);
        else return;
        break;
      case "x": if (article) toggleSelect(article); else return; break;
      case "u": undoLast(); break;
      case "n": if (article && article.querySelector(".note-input")) article.querySelector(".note-input").focus(); else return; break;
      case "Enter": if (article) window.location.assign("/ui/comments/" + article.dataset.id); else return; break;
      case "/": { const search = document.getElementById("search"); if (search) search.focus(); break; }
      case "?": showHelp(); break;
      default: return;
    }
    event.preventDefault();
  });

  if (list) {
    // Buttons decide in place too.
    list.addEventListener("submit", (event) => {
      const form = event.target;
      const article = form.closest("article.item");
      if (!article) return;
      event.preventDefault();
      if (form.classList.contains("decide")) {
        const verdict = event.submitter ? event.submitter.value : "approve";
        decide([article], verdict);
      } else if (form.classList.contains("undo")) {
        undoDecided(article);
      }
    });
    list.addEventListener("change", (event) => { if (event.target.classList.contains("select")) updateSelected(); });
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button.same-author");
      if (!button) return;
      let count = 0;
      items().forEach((el) => {
        if (el.dataset.author === button.dataset.author) { el.querySelector("input.select").checked = true; count += 1; }
      });
      updateSelected();
      say(count + " comments by this author selected. Press a, s or o to decide them all.");
    });
    list.addEventListener("focusin", (event) => {
      const article = event.target.closest("article.item");
      if (article) {
        items().forEach((el) => el.classList.remove("current"));
        article.classList.add("current");
        current = items().indexOf(article);
      }
    });
    const bulk = document.getElementById("bulk");
    if (bulk) {
      bulk.addEventListener("submit", (event) => {
        if (!event.submitter || !event.submitter.value) return;
        event.preventDefault();
        decide(selected(), event.submitter.value);
      });
    }
    if (items().length) focusItem(0, false); // the top of the page stays in view
  }
  const helpButton = document.getElementById("help-button");
  if (helpButton) helpButton.addEventListener("click", showHelp);
})();
