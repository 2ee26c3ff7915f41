"""Browser fixtures of test_sandbox_browser.py for the other browser test modules here (each
module that uses them gets its own sandbox process and browser: they are module-scoped)."""

from sandbox.test_sandbox_browser import browser, open_page, sandbox

__all__ = ["browser", "open_page", "sandbox"]
