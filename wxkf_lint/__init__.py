"""wxkf-lint: find the recurring defects of Python code that calls WeCom's kf API."""

__version__ = "0.1.0"
