"""The maintainers' workspace: pages under /admin, the JSON API under /api/admin."""
