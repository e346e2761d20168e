"""HTML → blocks with selectolax: main content only, navigation/footer boilerplate dropped."""

import re

from ingest.blocks import Block, LoadedDocument, LoadedPage
from ingest.cleaning import clean_inline
from kb.errors import IngestError

_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "button",
    "select",
    "dialog",
]
_BOILERPLATE = re.compile(
    r"(^|[-_ ])(nav|navbar|navigation|menu|breadcrumbs?|footer|cookie|"
    r"banner|sidebar|skip-link|share|social)([-_ ]|$)",
    re.I,
)
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_TEXT_BLOCKS = {"p", "pre", "blockquote", "figcaption", "dt", "dd", "address", "caption", "summary"}
_CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "body",
    "ul",
    "ol",
    "dl",
    "figure",
    "details",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "center",
    "span",
}


def load_html(text: str) -> LoadedDocument:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(text)
    title_node = tree.css_first("title")
    title = clean_inline(title_node.text()) if title_node else ""
    date = _meta_date(tree)
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    for node in tree.css("[class], [id], [role]"):
        attrs = node.attributes
        names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if _BOILERPLATE.search(names) or (attrs.get("role") or "") in _BOILERPLATE_ROLES:
            node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body
    blocks = list(_walk(root)) if root is not None else []
    if not blocks:
        raise IngestError("the HTML page contains no readable text")
    if not title:
        title = next((b.text for b in blocks if b.kind == "heading"), "")
    return LoadedDocument(
        kind="html", pages=[LoadedPage(number=None, blocks=blocks)], title=title or None, date=date
    )


def _meta_date(tree: object) -> str | None:
    for selector in (
        'meta[name="date"]',
        'meta[property="article:published_time"]',
        'meta[name="dcterms.date"]',
        "time[datetime]",
    ):
        node = tree.css_first(selector)  # type: ignore[attr-defined]
        if node is not None:
            value = node.attributes.get("content") or node.attributes.get("datetime")
            if value:
                return value.strip()[:10]
    return None


def _walk(node: object):  # type: ignore[no-untyped-def]
    inline: list[str] = []
    for child in node.iter(include_text=True):  # type: ignore[attr-defined]
        tag = child.tag
        if tag == "-text" or tag not in (
            _HEADINGS.keys() | _TEXT_BLOCKS | _CONTAINERS | {"li", "tr"}
        ):
            inline.append(child.text(deep=True, separator=""))
            continue
        if inline:
            yield from _paragraph("".join(inline))
            inline = []
        if tag in _HEADINGS:
            text = clean_inline(child.text(deep=True, separator=" "))
            if text:
                yield Block("heading", text, level=_HEADINGS[tag])
        elif tag in _TEXT_BLOCKS:
            yield from _paragraph(child.text(deep=True, separator=""))
        elif tag == "li":
            yield from _list_item(child)
        elif tag == "tr":
            cells = [clean_inline(c.text(deep=True, separator=" ")) for c in child.css("th, td")]
            cells = [c for c in cells if c]
            if cells:
                yield Block("table_row", "\t".join(cells))
        else:
            yield from _walk(child)
    if inline:
        yield from _paragraph("".join(inline))


def _paragraph(text: str):  # type: ignore[no-untyped-def]
    text = clean_inline(re.sub(r"\s+", " ", text))
    if text:
        yield Block("paragraph", text)


def _list_item(li: object):  # type: ignore[no-untyped-def]
    nested = [c for c in li.iter() if c.tag in ("ul", "ol")]  # type: ignore[attr-defined]
    own = "".join(
        c.text(deep=True, separator="")
        for c in li.iter(include_text=True)  # type: ignore[attr-defined]
        if c.tag not in ("ul", "ol")
    )
    text = clean_inline(re.sub(r"\s+", " ", own))
    if text:
        yield Block("list_item", text)
    for sub in nested:
        yield from _walk(sub)
