"""The browser fixtures (``chromium``, ``render_report``) for every test of this directory."""

from tests.support.browser import chromium, render_report

__all__ = ["chromium", "render_report"]
