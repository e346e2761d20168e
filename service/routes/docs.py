"""/docs: Swagger UI from local files (the `fastapi-offline` package ships them), because the
service runs offline and its CSP allows scripts only from itself. The page has no inline code."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from kb.errors import ConfigError

router = APIRouter(include_in_schema=False)

ASSETS_URL = "/static/swagger"
# Swagger UI styles some elements inline; everything else stays as strict as the other pages.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

_PAGE = f"""<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API – Wissensdatenbank</title>
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
<link rel="icon" href="{ASSETS_URL}/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


def assets() -> Path:
    try:
        import fastapi_offline
    except ImportError as e:  # a dependency in pyproject.toml; missing only in a broken install
        raise ConfigError("the API docs need the package fastapi-offline (pip install)") from e
    return Path(fastapi_offline.__file__).resolve().parent / "static"


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(_PAGE)
