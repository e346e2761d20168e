"""The Jinja templates of all pages; every page gets the site settings (name, texts, colours)."""

import threading
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from kb.site import SITE_FILE, SiteSettings, load_site

HERE = Path(__file__).resolve().parent


class SiteCache:
    """The site settings, re-read when site.json changes (an admin saved them, any process)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SITE_FILE
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._site: SiteSettings | None = None

    def get(self) -> SiteSettings:
        try:
            stat = self.path.stat()
            key = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = (0, 0)
        with self._lock:
            if self._site is None or key != self._key:
                self._site = load_site(self.data_dir)
                self._key = key
            return self._site


def site_of(request: Request) -> SiteSettings:
    return request.app.state.site.get()  # type: ignore[no-any-return]


def _site_context(request: Request) -> dict[str, Any]:
    state = getattr(request.app.state, "site", None)
    return {"site": state.get() if state is not None else None}


templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[_site_context])
