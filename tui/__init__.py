"""The jiaoyan App, its command line and its styles."""

__version__ = "0.1.0"
