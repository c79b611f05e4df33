"""kyniem: a static website generator for anniversary history sites."""

__version__ = "0.1.0"
