"""Every router of the workspace, for the app factory."""

from fastapi import APIRouter

from service.admin import api, api_manage, pages, pages_docs, pages_manage

ROUTERS: tuple[APIRouter, ...] = (
    api.router,
    api_manage.router,
    api_manage.admin_only,
    pages.public,
    pages.router,
    pages_docs.router,
    pages_manage.router,
    pages_manage.admin_only,
)
