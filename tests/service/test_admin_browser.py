"""The maintainers' workspace in a real headless Chromium against a real uvicorn server: log in,
upload a DOCX, watch the progress, check the preview, publish, ask in the widget and get the new
document cited; replace it, withdraw it, undo. Keyboard-only login; the pages work without
JavaScript. Screenshots for docs/maintainers.md (KB_UPDATE_DOCS_SCREENSHOTS=1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from admin_helpers import PASSWORD
from conftest import make_settings
from helpers import make_docx
from live_server import copy_data_dir, listening_socket, serve_app
from test_widget import CHROMIUM, LAUNCH_ARGS, expect, screenshot

from kb.knowledge_base import KnowledgeBase
from service.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

FIRST = [
    ("Heading 1", "Lernwerkstatt Quaxenhausen"),
    (
        "",
        "Die Lernwerkstatt Quaxenhausen bietet jeden Mittwoch ab 15 Uhr Nachhilfe für die "
        "Berufsschule an. Ehrenamtliche Lehrkräfte helfen jungen Geflüchteten in Mathematik.",
    ),
    ("Heading 2", "Anmeldung"),
    ("", "Die Anmeldung zur Lernwerkstatt läuft über das Jugendmigrationsbüro in Münster."),
]
SECOND = [
    ("Heading 1", "Lernwerkstatt Quaxenhausen"),
    (
        "",
        "Die Lernwerkstatt Quaxenhausen bietet jetzt jeden Freitag ab 14 Uhr Nachhilfe für "
        "die Berufsschule an. Ehrenamtliche Lehrkräfte helfen jungen Geflüchteten in Deutsch.",
    ),
]
QUESTION = "Wann bietet die Lernwerkstatt Quaxenhausen Nachhilfe an?"


@pytest.fixture(scope="module")
def kb_url(corpus_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = copy_data_dir(corpus_kb.settings.data_dir, tmp_path_factory.mktemp("adm") / "data")
    app = create_app(make_settings(data))
    with serve_app(app, listening_socket()) as url:
        app.state.accounts.add_user("anna", "maintainer", PASSWORD)
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, kb_url: str) -> Iterator[Page]:
    context = browser.new_context(
        locale="de-DE",
        viewport={"width": 1200, "height": 900},
        base_url=kb_url,
        reduced_motion="reduce",
    )
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert problems == []  # no script errors, no CSP violations


def log_in_with_the_keyboard(page: Page, artifacts: Path) -> None:
    page.goto("/admin/feedback")
    page.wait_for_url(re.compile(r"/admin/login\?next="))
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    screenshot(page, artifacts, "admin-login.png", "admin-login.png")
    page.keyboard.type("anna")  # the name field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/feedback$"))  # back where the user wanted to go
    page.goto("/admin")
    expect(page.get_by_text("Angemeldet als")).to_contain_text("anna")


def upload_file(page: Page, path: Path, region: str, button: str, publish: bool = False) -> None:
    section = page.get_by_role("region", name=region)
    section.get_by_label("Datei", exact=False).set_input_files(str(path))
    if publish:
        section.get_by_label("Ohne Prüfung sofort veröffentlichen").check()
    section.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/admin/jobs/[0-9a-f]{32}$"))


def wait_for(page: Page, status: str) -> None:
    expect(page.locator("#job-status")).to_have_text(status, timeout=180_000)


def ask_widget(page: Page, question: str) -> Any:
    page.goto("/")
    page.locator("[data-gk-kb-widget] .launcher").click()
    box = page.get_by_label("Ihre Frage", exact=True)
    box.fill(question)
    box.press("Enter")
    answer = page.locator("[data-gk-kb-widget] .msg.bot[data-done]").last
    expect(answer).to_be_visible(timeout=60_000)
    return answer


def test_upload_review_publish_ask_replace_withdraw_undo(
    page: Page, tmp_path: Path, artifacts: Path
) -> None:
    log_in_with_the_keyboard(page, artifacts)
    screenshot(page, artifacts, "admin-overview.png", "admin-overview.png")

    # upload → progress → review with the preview
    upload_file(
        page,
        make_docx(tmp_path / "Lernwerkstatt.docx", FIRST),
        "Neues Dokument hochladen",
        "Hochladen",
    )
    expect(page.locator("progress#job-progress, #job-status")).not_to_have_count(0)
    screenshot(page, artifacts, "admin-job.png", "admin-job.png", transient=True)
    wait_for(page, "zur Prüfung")
    expect(page.get_by_role("heading", name=re.compile("Vorschau"))).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Lernwerkstatt Quaxenhausen")
    expect(facts).to_contain_text("Deutsch")
    expect(page.locator("ul.headings")).to_contain_text("Anmeldung")
    expect(page.locator("ol.samples")).to_contain_text("Mittwoch ab 15 Uhr")
    expect(page.locator("ul.tags")).to_contain_text("Münster")
    screenshot(page, artifacts, "admin-review.png", "admin-review.png")

    # correct the metadata and publish
    form = page.get_by_role("region", name=re.compile("veröffentlichen"))
    form.get_by_label("Art").select_option("Gute Praxis")
    form.get_by_label("Beschreibung", exact=False).fill("Nachhilfe für die Berufsschule.")
    form.get_by_role("button", name="Veröffentlichen").click()
    page.wait_for_url(re.compile(r"/admin/documents/lernwerkstatt-docx\?ok="))
    expect(page.get_by_role("status")).to_contain_text("Veröffentlicht")
    doc_url = page.url.split("?")[0]

    answer = ask_widget(page, QUESTION)
    expect(answer.locator(".answer")).to_contain_text("Mittwoch")
    expect(answer.locator(".sources")).to_contain_text("Lernwerkstatt")

    # replace, published at once
    page.goto(doc_url)
    upload_file(
        page,
        make_docx(tmp_path / "neu.docx", SECOND),
        "Neue Fassung hochladen",
        "Neue Fassung hochladen",
        publish=True,
    )
    wait_for(page, "veröffentlicht")
    expect(ask_widget(page, QUESTION).locator(".answer")).to_contain_text("Freitag")

    # withdraw: the widget no longer finds it
    page.goto(doc_url)
    page.get_by_role("button", name="Zurückziehen").click()
    expect(page.get_by_role("status")).to_contain_text("Zurückgezogen")
    screenshot(page, artifacts, "admin-document.png", "admin-document.png")
    answer = ask_widget(page, QUESTION)
    expect(answer.locator(".answer")).not_to_contain_text("Freitag")

    # undo: restore the newest kept version
    page.goto(doc_url)
    page.get_by_role("button", name=re.compile("wiederherstellen")).first.click()
    expect(page.get_by_role("status")).to_contain_text("Wiederhergestellt")
    expect(ask_widget(page, QUESTION).locator(".answer")).to_contain_text("Freitag")

    page.goto("/angebote")
    expect(page.locator("li.card")).to_contain_text("Nachhilfe für die Berufsschule.")


def rate(kb_url: str, question: str, rating: str, comment: str) -> None:
    import httpx

    answer = httpx.post(f"{kb_url}/api/chat", json={"question": question}, timeout=60).json()
    body = {
        "answer_id": answer["answer_id"],
        "rating": rating,
        "question": question,
        "answer": answer["answer"],
        "comment": comment,
        "citations": [
            {k: c[k] for k in ("n", "file", "title", "page", "quote")} for c in answer["citations"]
        ],
    }
    assert httpx.post(f"{kb_url}/api/feedback", json=body, timeout=30).status_code == 201


def test_the_pages_work_without_javascript(browser: Browser, kb_url: str, artifacts: Path) -> None:
    rate(kb_url, "Welche Förderbausteine gibt es?", "up", "Genau das habe ich gesucht.")
    rate(kb_url, "Wie viele Bündnisse gibt es in NRW?", "down", "Die Zahl fehlt in der Antwort.")
    context = browser.new_context(locale="de-DE", base_url=kb_url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/admin/login")
        page.get_by_label("Benutzername").fill("anna")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(re.compile(r"/admin$"))
        for path, heading in [
            ("/admin/feedback", "Rückmeldungen zu Antworten"),
            ("/admin/audit", "Protokoll"),
        ]:
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.goto("/admin/feedback")
        items = page.locator("li.fb")
        expect(items.first).to_contain_text("Die Zahl fehlt in der Antwort.")  # negative first
        expect(items.nth(1)).to_contain_text("Genau das habe ich gesucht.")
        screenshot(page, artifacts, "admin-feedback.png", "admin-feedback.png")
        items.first.get_by_text("als Testfrage übernehmen").click()  # <details> without script
        items.first.get_by_label("Erwartete Antwort").fill("In fast allen Kommunen.")
        items.first.get_by_label("Die Dokumente beantworten diese Frage nicht").check()
        items.first.get_by_role("button", name="Testfrage speichern").click()
        expect(page.get_by_role("status")).to_contain_text("qa-local.jsonl")
        page.get_by_role("button", name="Als erledigt markieren").first.click()
        expect(page.locator("li.fb")).to_have_count(1)
        page.goto("/admin/audit")
        expect(page.locator("table.data")).to_contain_text("hochgeladen")
        page.get_by_role("button", name="Abmelden").click()
        page.wait_for_url(re.compile(r"/admin/login"))
        page.goto("/admin")
        page.wait_for_url(re.compile(r"/admin/login\?next="))
    finally:
        context.close()
