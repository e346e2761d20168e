"""Versioned prompt texts (package data, loaded with importlib.resources)."""
