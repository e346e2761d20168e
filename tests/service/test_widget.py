"""The chat widget, the offer finder and the page viewer in a real headless Chromium.

A real uvicorn server runs the app over a private copy of the corpus KB (plus one document full
of HTML payloads); a second static server plays a GfS website that embeds the widget with one
line, under hostile CSS. Screenshots go to test-artifacts/; with KB_UPDATE_DOCS_SCREENSHOTS=1
they are also copied to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from conftest import ROOT, make_settings
from live_server import copy_data_dir, listening_socket, serve_app, serve_directory

from kb.knowledge_base import KnowledgeBase, build_kb
from service.app import create_app

if TYPE_CHECKING:  # Playwright is imported lazily: without it the tests skip
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "widget-test-token-51c2"
QUESTION = "Welche Förderbausteine gibt es?"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_DOC = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<title>Sprachcafé Quaxenhausen &lt;img src=x onerror="window.__pwned=1"&gt;</title>
<script>window.__pwned = 1;</script>
</head><body>
<h1>Sprachcafé Quaxenhausen</h1>
<p>Das Sprachcafé Quaxenhausen trifft sich jeden Dienstag um 17 Uhr im Jugendzentrum am Markt.
Die Anmeldung läuft über das Formular &lt;img src=x onerror="window.__pwned=1"&gt; und den
Baustein &lt;script&gt;window.__pwned=1&lt;/script&gt; auf der Website.</p>
<p>Junge Geflüchtete üben dort Deutsch im Gespräch mit Ehrenamtlichen.</p>
<img src="x" onerror="window.__pwned=1">
</body></html>
"""
# A GfS website with CSS that would wreck any widget that does not isolate its styles.
HOSTILE_CSS = """
* { color: red !important; font-size: 40px; font-family: serif !important;
    line-height: 3 !important; letter-spacing: 3px !important; }
html { font-size: 40px; }
div { transform: rotate(3deg) !important; border: 3px dashed green !important;
      padding: 20px !important; }
button, textarea { background: lime !important; display: none !important; }
p { margin: 0; }
"""
WIDGET_PROPS = [
    "color",
    "background-color",
    "font-size",
    "font-family",
    "line-height",
    "letter-spacing",
    "transform",
    "display",
    "padding-top",
    "border-top-width",
]
WIDGET_PARTS = [".launcher", ".panel", ".head h2", ".intro p", ".form textarea", ".form .btn"]


@dataclass(frozen=True)
class Site:
    kb_url: str
    host_url: str
    xss_doc_id: str


# An ordinary municipal page (the look of the screenshot in docs/).
CALM_CSS = """
body { margin: 0; font-family: Georgia, serif; color: #222; background: #f7f6f2; }
header { padding: 20px 40px; background: #2f6b3a; color: #fff; }
header h1 { margin: 0; font-size: 28px; } header p { margin: 4px 0 0; }
main { max-width: 640px; padding: 16px 40px; font-size: 18px; line-height: 1.6; }
"""


def host_page(
    kb_url: str, *, css: str = CALM_CSS, attrs: str | None = None, widget: bool = True
) -> str:
    script_attrs = attrs if attrs is not None else f'data-kb-url="{kb_url}" '
    script = f'<script src="{kb_url}/widget.js" {script_attrs}defer></script>' if widget else ""
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>Kommunales Integrationszentrum Musterstadt</title>
<style>{css}</style></head>
<body><header><h1 id="host-title">Kommunales Integrationszentrum Musterstadt</h1>
<p>Geschäftsführende Stelle „Gemeinsam klappt's“</p></header>
<main><h2>Angebote für junge Geflüchtete</h2>
<p id="host-text">Sie sind zwischen 18 und 27 Jahre alt und möchten eine Ausbildung beginnen,
einen Schulabschluss nachholen oder Deutsch lernen? Das Bündnis vor Ort berät Sie.
Fragen zur Landesinitiative beantwortet der Chat unten rechts – mit Quelle.</p>
<button id="host-button" type="button">Newsletter abonnieren</button></main>
{script}
</body></html>
"""


@pytest.fixture(scope="module")
def site(corpus_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("widget")
    data = copy_data_dir(corpus_kb.settings.data_dir, root / "data")
    docs = root / "docs"
    docs.mkdir()
    (docs / "sprachcafe-quaxenhausen.html").write_text(XSS_DOC, encoding="utf-8")
    kb = build_kb(make_settings(data))
    try:
        report = ingest_paths(kb, [docs])
    finally:
        kb.close()
    assert not report.failed and report.results[0].doc_id

    host_sock, kb_sock, dead_sock = listening_socket(), listening_socket(), listening_socket()
    host_url, kb_url, dead_url = (
        f"http://127.0.0.1:{s.getsockname()[1]}" for s in (host_sock, kb_sock, dead_sock)
    )
    dead_sock.close()  # nothing listens there: the service is "down"
    www = root / "www"
    www.mkdir()
    host_pages = {
        "index.html": host_page(kb_url, css=HOSTILE_CSS),  # the default test page
        "plain.html": host_page(kb_url),
        "no-widget.html": host_page(kb_url, css=HOSTILE_CSS, widget=False),
        "no-kb-url.html": host_page(kb_url, attrs=""),  # falls back to the script's origin
        "down.html": host_page(kb_url, attrs=f'data-kb-url="{dead_url}" '),
    }
    for name, text in host_pages.items():
        (www / name).write_text(text, encoding="utf-8")
    settings = make_settings(data, cors_origins=[host_url], admin_token=TOKEN)
    with serve_directory(www, host_sock), serve_app(create_app(settings), kb_sock):
        yield Site(kb_url, host_url, report.results[0].doc_id or "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Pages:
    """Pages in fresh browser contexts (each with its own sessionStorage). Anything outside
    loopback is blocked; JS exceptions and console errors are collected in ``problems``."""

    def __init__(self, browser: Browser, site: Site) -> None:
        self.browser, self.site = browser, site
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    def open(self, path: str = "/index.html", base: str | None = None, **options: Any) -> Page:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        options.setdefault("reduced_motion", "reduce")  # no transitions: stable measurements
        context = self.browser.new_context(locale="de-DE", **options)
        context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])"), lambda route: route.abort())
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("console", self._console)
        page.goto((base or self.site.host_url) + path)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser, site: Site) -> Iterator[Pages]:
    opened = Pages(browser, site)
    yield opened
    opened.close()


@pytest.fixture
def page(pages: Pages) -> Iterator[Page]:
    """The hostile GfS page with the widget; fails the test on any JS or console error."""
    page = pages.open()
    yield page
    assert pages.problems == []


# -- helpers -------------------------------------------------------------------------------------


def expect(target: Page | Locator) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(target)


def launcher(page: Page) -> Locator:
    return page.locator("[data-gk-kb-widget] .launcher")


def panel(page: Page) -> Locator:
    return page.locator("[data-gk-kb-widget] .panel")


def open_panel(page: Page) -> None:
    launcher(page).click()
    expect(panel(page)).to_be_visible()


def ask(page: Page, question: str) -> Locator:
    """Type a question, press Enter, wait for the finished answer (or the error) and return it."""
    answers = page.locator("[data-gk-kb-widget] .msg.bot[data-done], [data-gk-kb-widget] .error")
    before = answers.count()
    box = page.get_by_label("Ihre Frage", exact=True)
    box.fill(question)
    box.press("Enter")
    expect(answers).to_have_count(before + 1, timeout=30_000)
    return answers.nth(before)


def active_in_widget(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => {
          const host = document.querySelector('[data-gk-kb-widget]');
          const a = host.shadowRoot.activeElement;
          return {hostFocused: document.activeElement === host, id: a && a.id,
                  cls: a && a.className, inPanel: !!(a && a.closest('.panel'))};
        }"""
    )


def widget_styles(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """([parts, props]) => {
          const root = document.querySelector('[data-gk-kb-widget]').shadowRoot;
          const out = {};
          for (const sel of parts) {
            const el = root.querySelector(sel);
            const s = getComputedStyle(el);
            const r = el.getBoundingClientRect();
            out[sel] = Object.fromEntries(props.map(p => [p, s.getPropertyValue(p)]));
            out[sel].box = [r.x, r.y, r.width, r.height].map(Math.round);
          }
          return out;
        }""",
        [WIDGET_PARTS, WIDGET_PROPS],
    )


def host_styles(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => {
          const pick = el => { const s = getComputedStyle(el);
            return [s.color, s.fontSize, s.fontFamily, s.lineHeight, s.display, s.margin]; };
          return {
            title: pick(document.getElementById('host-title')),
            text: pick(document.getElementById('host-text')),
            button: pick(document.getElementById('host-button')),
            body: pick(document.body),
            styleSheets: document.styleSheets.length,
            adopted: document.adoptedStyleSheets.length,
            styleElements: document.querySelectorAll('style, link[rel=stylesheet]').length,
            bodyChildren: [...document.body.children].map(el => el.tagName),
          };
        }"""
    )


def injected(page: Page) -> dict[str, Any]:
    """What a successful injection would leave behind."""
    return page.evaluate(
        """() => {
          const root = document.querySelector('[data-gk-kb-widget]').shadowRoot;
          return {pwned: window.__pwned === undefined ? null : window.__pwned,
                  widgetElements: root.querySelectorAll('img,script,iframe,object,embed').length,
                  pageImages: document.querySelectorAll('img').length,
                  pageScripts: document.querySelectorAll('script').length};
        }"""
    )


def api_answer(site: Site, question: str, history: list[dict[str, str]] | None = None) -> Any:
    body = {"question": question, "history": history or []}
    r = httpx.post(f"{site.kb_url}/api/chat", json=body, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def screenshot(
    page: Page,
    artifacts: Path,
    name: str,
    docs_name: str | None = None,
    transient: bool = False,
) -> Path | None:
    """Save a screenshot as a test artifact. A ``transient`` page (a job's progress page, which
    moves on to the next page by itself when the job ends) may navigate away while the
    screenshot is taken, which Chromium never finishes: then there is no artifact, only a
    warning — the test's assertions are about the page, not the picture."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    path = artifacts / name
    try:
        # a page whose server is busy embedding can take longer than Playwright's 30 s to paint
        page.screenshot(path=str(path), timeout=20_000 if transient else 90_000)
    except PlaywrightTimeout:
        if not transient:
            raise
        warnings.warn(f"no screenshot {name}: the page moved on while it was taken", stacklevel=2)
        return None
    assert path.stat().st_size > 5_000
    if docs_name and os.environ.get("KB_UPDATE_DOCS_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "screenshots" / docs_name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path


def squash(text: str) -> str:
    return " ".join(text.split())


def tags(result: Locator, kind: str) -> list[str]:
    """A result's place or topic tags as a screen reader reads them ("Ort: Münster")."""
    return [squash(t) for t in result.locator(f".tag.{kind}").all_text_contents()]


# -- the widget on a GfS website -----------------------------------------------------------------


def test_host_css_does_not_reach_the_widget_and_the_widget_leaves_the_host_alone(
    page: Page, pages: Pages
) -> None:
    button = page.get_by_role("button", name="Chat öffnen")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "gk-panel")
    assert page.locator("[data-gk-kb-widget]").count() == 1

    without_widget = host_styles(pages.open("/no-widget.html"))
    plain = pages.open("/plain.html")
    for p in (page, plain):
        open_panel(p)
        p.mouse.move(400, 400)  # not hovering the launcher
    hostile, calm = widget_styles(page), widget_styles(plain)
    assert hostile == calm  # the same look on a hostile and on a plain page
    assert hostile[".launcher"]["font-size"] == "16px"
    assert hostile[".launcher"]["color"] == "rgb(255, 255, 255)"
    assert hostile[".launcher"]["background-color"] == "rgb(11, 83, 148)"
    assert hostile[".intro p"]["color"] == "rgb(27, 27, 27)"
    assert hostile[".panel"]["transform"] == "none"
    assert hostile[".form textarea"]["display"] != "none"

    # the host page looks exactly as its own CSS says, with the widget open
    with_widget = host_styles(page)
    assert {**with_widget, "bodyChildren": []} == {**without_widget, "bodyChildren": []}
    assert with_widget["text"][:2] == ["rgb(255, 0, 0)", "40px"]
    assert with_widget["button"][4] == "none"
    assert with_widget["styleSheets"] == 1 and with_widget["adopted"] == 0
    assert with_widget["bodyChildren"] == [*without_widget["bodyChildren"], "SCRIPT", "DIV"]


def test_a_streamed_answer_shows_and_a_citation_opens_its_source(
    page: Page, site: Site, artifacts: Path
) -> None:
    expected = api_answer(site, QUESTION)
    open_panel(page)
    assert active_in_widget(page)["id"] == "gk-input"  # focus moved into the input
    answer = ask(page, QUESTION)

    body = answer.locator(".answer")
    first_words = squash(expected["answer"].split("\n")[0])[:60]
    assert first_words in squash(body.inner_text())
    assert answer.locator(".answer li").count() >= 6  # "- " lines became a list
    cites = answer.locator(".answer .cite")
    expect(cites).to_have_count(len(expected["citations"]))
    expect(answer.locator(".searched")).to_have_count(0)  # searched == question
    expect(answer).not_to_have_class(re.compile("refused|uncertain"))

    assert any(c["page"] for c in expected["citations"])  # a PDF page is among them
    for c in expected["citations"]:
        cite = answer.locator(f'.answer .cite[data-n="{c["n"]}"]')
        expect(cite).to_have_text(f"[{c['n']}]")
        expect(cite).to_have_attribute("aria-label", f"Quelle {c['n']} anzeigen")
        cite.click()
        expect(cite).to_have_attribute("aria-expanded", "true")
        source = answer.locator(".source")
        expect(source).to_be_visible()
        assert source.locator(".quote").text_content() == c["quote"]
        where = source.locator(".title").text_content()
        assert where.startswith(c["title"])
        assert (f"Seite {c['page']}" in where) == bool(c["page"])
        expect(source.locator(".section")).to_have_text(f"Abschnitt: {c['section']}")
        original = source.locator("a.original")
        expect(original).to_have_text(
            f"Original öffnen (Seite {c['page']})" if c["page"] else "Original öffnen"
        )
        assert original.get_attribute("href") == site.kb_url + c["url"]
        assert original.get_attribute("target") == "_blank"
        assert "noopener" in original.get_attribute("rel")
        context = source.locator("a.context").get_attribute("href")
        assert context == site.kb_url + c["context_url"] and context.endswith("#zitat")
        served = httpx.get(site.kb_url + c["url"].split("#")[0], timeout=10)
        assert served.status_code == 200 and served.headers["content-type"] in (
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    expect(answer.locator(".sources li")).to_have_count(len(expected["citations"]))
    screenshot(page, artifacts, "widget-hostile-page.png")


def test_html_in_a_question_is_shown_literally_and_runs_nothing(page: Page) -> None:
    question = f"{XSS_IMG} {XSS_SCRIPT} Was ist die GfS?"
    open_panel(page)
    answer = ask(page, question)
    expect(page.locator("[data-gk-kb-widget] .msg.user .text")).to_have_text(question)
    searched = answer.locator(".searched")  # "GfS" was expanded: the question is echoed
    expect(searched).to_contain_text(XSS_IMG)
    assert injected(page) == {"pwned": None, "widgetElements": 0, "pageImages": 0, "pageScripts": 1}
    page.reload()  # restored from sessionStorage: still text
    open_panel(page)
    expect(page.locator("[data-gk-kb-widget] .msg.user .text")).to_have_text(question)
    assert injected(page)["pwned"] is None and injected(page)["widgetElements"] == 0


def test_html_in_a_document_is_quoted_literally_and_runs_nothing(
    page: Page, site: Site, pages: Pages
) -> None:
    open_panel(page)
    answer = ask(page, "Wann trifft sich das Sprachcafé Quaxenhausen?")
    text = answer.locator(".answer").text_content()
    assert XSS_IMG in text and XSS_SCRIPT in text
    answer.locator(".answer .cite").first.click()
    source = answer.locator(".source")
    assert XSS_IMG in source.locator(".quote").text_content()
    assert XSS_IMG in source.locator(".title").text_content()  # the title carries one too
    assert injected(page) == {"pwned": None, "widgetElements": 0, "pageImages": 0, "pageScripts": 1}

    # the page viewer shows the passage as text as well
    viewer = pages.open(base=source.locator("a.context").get_attribute("href"), path="")
    expect(viewer.locator("mark#zitat")).to_contain_text(XSS_SCRIPT)
    expect(viewer.locator("h1")).to_contain_text(XSS_IMG)
    assert viewer.evaluate("() => [window.__pwned, document.images.length]") == [None, 0]

    # the original web page is served sandboxed: its real <script> and onerror stay dead
    original = httpx.get(f"{site.kb_url}/api/documents/{site.xss_doc_id}/file", timeout=10)
    assert original.status_code == 200 and "<script>window.__pwned = 1;</script>" in original.text
    assert original.headers["content-type"].startswith("text/html")
    csp = original.headers["content-security-policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp
    shown = pages.open(base=f"{site.kb_url}/api/documents/{site.xss_doc_id}/file", path="")
    expect(shown.locator("h1")).to_have_text("Sprachcafé Quaxenhausen")
    assert shown.evaluate("() => [window.__pwned, origin]") == [None, "null"]  # opaque origin
    blocked = [p for p in pages.problems if "sandboxed" in p or "img-src data:" in p]
    assert blocked and any("Blocked script execution" in p for p in blocked)
    pages.problems[:] = [p for p in pages.problems if p not in blocked]  # Chromium said why


def test_thumbs_down_with_a_comment_lands_in_the_feedback_store(page: Page, site: Site) -> None:
    expected = api_answer(site, QUESTION)
    open_panel(page)
    answer = ask(page, QUESTION)
    answer_id = answer.get_attribute("data-answer-id")
    assert re.fullmatch(r"[0-9a-f]{32}", answer_id)
    down = answer.get_by_role("button", name="Nein, die Antwort war nicht hilfreich")
    down.click()
    expect(down).to_have_attribute("aria-pressed", "true")
    comment = answer.get_by_label("Was hat gefehlt oder war falsch? (optional)")
    expect(comment).to_be_focused()
    note = f"Seite fehlt <b>{uuid.uuid4().hex[:8]}</b>"
    comment.fill(note)
    answer.get_by_role("button", name="Rückmeldung senden").click()
    expect(answer.locator(".thanks")).to_have_text("✓ Danke für Ihre Rückmeldung!")

    headers = {"Authorization": f"Bearer {TOKEN}"}
    rows = httpx.get(f"{site.kb_url}/api/feedback", headers=headers, timeout=10).json()
    row = next(r for r in rows if r["answer_id"] == answer_id)
    assert row["rating"] == "down" and row["comment"] == note
    assert row["question"] == QUESTION and row["answer"] == expected["answer"]
    assert row["citations"] == [
        {k: c[k] for k in ("n", "file", "page", "quote")} for c in expected["citations"]
    ]
    # the thanks survives a reload; no second vote on the same answer
    page.reload()
    open_panel(page)
    expect(page.locator("[data-gk-kb-widget] .msg.bot .thanks")).to_have_count(1)
    expect(page.locator("[data-gk-kb-widget] .thumb")).to_have_count(0)


def test_the_conversation_survives_a_reload_and_can_be_cleared(page: Page) -> None:
    open_panel(page)
    ask(page, QUESTION)
    ask(page, "Was ist die GfS?")
    messages = page.locator("[data-gk-kb-widget] .msg:not(.intro)")
    before = messages.all_inner_texts()
    assert len(before) == 4

    page.reload()
    expect(panel(page)).to_be_hidden()
    open_panel(page)
    assert messages.all_inner_texts() == before
    last = page.locator("[data-gk-kb-widget] .msg.bot").last
    last.locator(".answer .cite").first.click()  # citations still work after the reload
    expect(last.locator(".source .quote")).to_be_visible()

    page.get_by_role("button", name="Verlauf löschen").click()
    expect(messages).to_have_count(0)
    assert active_in_widget(page)["id"] == "gk-input"
    page.reload()
    open_panel(page)
    expect(messages).to_have_count(0)
    assert page.evaluate("() => Object.keys(sessionStorage)") == []


def test_keyboard_only_use_and_labels(page: Page) -> None:
    button = page.get_by_role("button", name="Chat öffnen")
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Chat: Fragen an die Wissensdatenbank")
    expect(dialog).to_be_visible()
    assert active_in_widget(page)["id"] == "gk-input"
    expect(page.locator("[data-gk-kb-widget] .messages")).to_have_attribute("aria-live", "polite")
    ask(page, QUESTION)  # more focusable things: citation buttons, sources, thumbs

    for key in ["Tab"] * 25 + ["Shift+Tab"] * 25:
        page.keyboard.press(key)
        focus = active_in_widget(page)
        assert focus["hostFocused"] and focus["inPanel"], (key, focus)

    unlabeled = page.evaluate(
        """() => {
          const root = document.querySelector('[data-gk-kb-widget]').shadowRoot;
          return [...root.querySelectorAll('button, textarea, input, [role=dialog], a')]
            .filter(el => !(el.getAttribute('aria-label') || el.textContent.trim() ||
                            (el.id && root.querySelector(`label[for="${el.id}"]`))))
            .map(el => el.outerHTML.slice(0, 80));
        }"""
    )
    assert unlabeled == []

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    focus = active_in_widget(page)
    assert focus["hostFocused"] and "launcher" in focus["cls"]
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")  # and open again from the keyboard
    expect(dialog).to_be_visible()


def test_on_a_phone_the_panel_fills_the_screen(pages: Pages, artifacts: Path) -> None:
    phone = pages.open(
        "/plain.html", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    launcher(phone).tap()
    expect(panel(phone)).to_be_visible()
    box = panel(phone).bounding_box()
    assert box == {"x": 0, "y": 0, "width": 390, "height": 844}
    answer = ask(phone, "Was ist die GfS?")
    answer.locator(".answer .cite").first.tap()
    sizes = phone.evaluate(
        """() => {
          const root = document.querySelector('[data-gk-kb-widget]').shadowRoot;
          const list = root.querySelector('.messages');
          const input = root.querySelector('.form textarea').getBoundingClientRect();
          return {overflow: list.scrollWidth - list.clientWidth, inputBottom: input.bottom,
                  pageOverflow: document.documentElement.scrollWidth - innerWidth};
        }"""
    )
    assert sizes["overflow"] <= 0 and sizes["pageOverflow"] <= 0
    assert sizes["inputBottom"] <= 844
    screenshot(phone, artifacts, "widget-phone.png")
    assert pages.problems == []


def sent_bodies(page: Page) -> list[dict[str, Any]]:
    """The JSON bodies the widget posts to /api/chat/stream, recorded as they go out."""
    bodies: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: bodies.append(r.post_data_json) if r.url.endswith("/api/chat/stream") else None,
    )
    return bodies


def test_a_follow_up_shows_what_was_searched(page: Page, site: Site) -> None:
    sent = sent_bodies(page)
    open_panel(page)
    first = ask(page, "Was macht der Kreis Viersen?")
    expect(first.locator(".searched")).to_have_count(0)
    second = ask(page, "Und in Münster?")
    searched = second.locator(".searched")
    expect(searched).to_contain_text("Gesucht wurde: „")
    expect(searched).to_contain_text("Münster")
    assert "Viersen" not in searched.text_content()

    viersen = api_answer(site, "Was macht der Kreis Viersen?")["answer"]
    history = [
        {"role": "user", "content": "Was macht der Kreis Viersen?"},
        {"role": "assistant", "content": viersen},
    ]
    assert sent == [
        {"question": "Was macht der Kreis Viersen?", "history": []},
        {"question": "Und in Münster?", "history": history},
    ]
    expected = api_answer(site, "Und in Münster?", history)
    assert searched.text_content() == f"Gesucht wurde: „{expected['searched']}“"
    badge = second.locator(".badge.uncertain")
    expect(badge).to_have_count(1 if expected["uncertain"] else 0)
    if expected["uncertain"]:
        expect(badge).to_have_text("Unsichere Antwort – bitte die Quellen prüfen")


def test_only_the_last_ten_turns_are_sent(page: Page) -> None:
    sent = sent_bodies(page)
    open_panel(page)
    questions = [f"Was ist die GfS in Stadt {n}?" for n in range(7)]
    for q in questions:
        ask(page, q)
    last = sent[-1]["history"]
    assert len(last) == 10
    assert [t["role"] for t in last] == ["user", "assistant"] * 5
    assert [t["content"] for t in last if t["role"] == "user"] == questions[1:6]


def test_a_refusal_looks_different_from_an_answer(page: Page) -> None:
    open_panel(page)
    refusal = ask(page, "Wie backe ich einen Apfelkuchen?")
    expect(refusal).to_have_class(re.compile(r"\brefused\b"))
    expect(refusal.locator(".badge.refused")).to_have_text("Keine passende Stelle gefunden")
    expect(refusal.locator(".cite")).to_have_count(0)
    answer = ask(page, QUESTION)
    look = page.evaluate(
        """() => [...document.querySelector('[data-gk-kb-widget]').shadowRoot
                 .querySelectorAll('.msg.bot')].map(el => {
                   const s = getComputedStyle(el);
                   return [s.backgroundColor, s.borderTopStyle]; })"""
    )
    assert look[0] != look[1]
    expect(answer.locator(".badge")).to_have_count(0)


def test_small_talk_is_no_failed_search(page: Page) -> None:
    """ "Hallo" is told what the assistant does: no refusal badge, no feedback to give."""
    open_panel(page)
    reply = ask(page, "Hallo!")
    expect(reply).to_contain_text("Ich beantworte Fragen zu den Dokumenten")
    expect(reply).not_to_have_class(re.compile(r"\brefused\b"))
    expect(reply.locator(".badge")).to_have_count(0)
    expect(reply.locator(".feedback")).to_have_count(0)
    expect(reply).to_have_attribute("data-mode", "small-talk")


def test_errors_are_explained_politely(pages: Pages) -> None:
    down = pages.open("/down.html")
    open_panel(down)
    error = ask(down, QUESTION)
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text("Der Dienst ist gerade nicht erreichbar")
    expect(down.get_by_label("Ihre Frage", exact=True)).to_have_value(QUESTION)  # to retry
    down.reload()  # an unanswered question is not kept as part of the conversation
    open_panel(down)
    expect(down.locator("[data-gk-kb-widget] .msg:not(.intro)")).to_have_count(0)
    pages.problems.clear()  # the browser logs the refused fetch

    page = pages.open()
    open_panel(page)
    # the textarea stops typing at 1000 characters (the service's limit); a service configured
    # with a lower limit answers 422, as the service does here for a longer value
    page.evaluate(
        """() => document.querySelector('[data-gk-kb-widget]').shadowRoot
                 .querySelector('textarea').removeAttribute('maxlength')"""
    )
    error = ask(page, "Förderung " * 120)
    expect(error).to_contain_text("Diese Frage konnte nicht verarbeitet werden.")
    expect(error.locator(".detail")).to_have_text("Ungültige Eingabe")
    assert "Traceback" not in error.text_content()


def test_without_data_kb_url_the_script_origin_is_used(
    pages: Pages, site: Site, artifacts: Path
) -> None:
    page = pages.open("/no-kb-url.html")
    open_panel(page)
    answer = ask(page, QUESTION)
    answer.locator('.answer .cite[data-n="2"]').click()
    href = answer.locator(".source a.original").get_attribute("href")
    assert href.startswith(site.kb_url + "/api/documents/")
    assert pages.problems == []
    screenshot(page, artifacts, "widget-desktop.png", "widget.png")


# -- the service's own pages ---------------------------------------------------------------------


def test_demo_page_runs_the_widget_under_its_strict_csp(pages: Pages, site: Site) -> None:
    page = pages.open("/", base=site.kb_url)
    expect(page.get_by_role("heading", name="Enthaltene Dokumente")).to_be_visible()
    expect(page.locator("ul.documents li")).to_have_count(6)
    expect(page.locator("ul.documents")).to_contain_text(XSS_IMG)  # a title, as text
    assert page.evaluate("() => [document.images.length, window.__pwned]") == [0, None]
    expect(page.locator("pre.snippet")).to_contain_text(f'data-kb-url="{site.kb_url}"')
    assert widget_styles(page)[".launcher"]["background-color"] == "rgb(11, 83, 148)"
    open_panel(page)
    answer = ask(page, QUESTION)
    answer.locator(".answer .cite").first.click()
    expect(answer.locator(".source .quote")).to_be_visible()
    assert pages.problems == []  # no CSP violations


def test_offer_finder_filters_by_place_without_javascript(
    pages: Pages, site: Site, artifacts: Path
) -> None:
    page = pages.open(
        "/angebote",
        base=site.kb_url,
        java_script_enabled=False,
        viewport={"width": 1024, "height": 900},
    )
    page.get_by_label("Ort", exact=True).select_option("Duisburg")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"place=Duisburg"))
    results = page.locator("li.result")
    assert results.count() > 0
    for item in results.all():
        assert "Ort: Duisburg" in tags(item, "place")

    page.get_by_label("Suchbegriff", exact=True).fill("Sprachförderung")
    page.get_by_label("Ort", exact=True).select_option("Münster")
    page.get_by_label("Suchbegriff", exact=True).press("Enter")
    page.wait_for_url(re.compile(r"q=Sprachf.*place=M"))
    expect(page.get_by_role("heading", level=2)).to_contain_text(
        "Fundstellen für „Sprachförderung“"
    )
    results = page.locator("li.result")
    assert results.count() > 0
    for item in results.all():
        assert "Ort: Münster" in tags(item, "place")
    marks = page.locator("p.snippet mark").all_text_contents()
    # the analyzer folds umlauts: "Forderung" counts as a match for "Förderung"
    assert marks and all(re.search("sprach|f[oö]rder", m.lower()) for m in marks), marks
    expect(page.get_by_label("Ort", exact=True)).to_have_value("Münster")
    screenshot(page, artifacts, "angebote.png", "angebote.png")

    page.get_by_label("Suchbegriff", exact=True).fill("")
    page.get_by_label("Thema", exact=True).select_option("sprache")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url(re.compile(r"q=&place=M.*topic=sprache"))
    results = page.locator("li.result")
    assert results.count() > 0
    for item in results.all():
        assert "Ort: Münster" in tags(item, "place")
        assert "Thema: Sprache" in tags(item, "topic")

    # the "Fundstelle" link opens the page viewer with the passage marked and in view
    results.first.get_by_role("link", name="Fundstelle ansehen").click()
    mark = page.locator("mark#zitat")
    expect(mark).to_be_in_viewport()
    expect(page.get_by_role("link", name=re.compile("Original öffnen"))).to_be_visible()


def test_page_viewer_scrolls_the_quote_into_view(pages: Pages, site: Site) -> None:
    quote = api_answer(site, "Wer übernimmt die wissenschaftliche Begleitung?")["citations"][-1]
    page = pages.open(
        quote["context_url"], base=site.kb_url, viewport={"width": 390, "height": 600}
    )
    mark = page.locator("mark#zitat")
    assert mark.text_content() == quote["quote"]
    expect(mark).to_be_in_viewport()
    assert page.evaluate("() => document.activeElement.id") == "zitat"
    assert pages.problems == []
