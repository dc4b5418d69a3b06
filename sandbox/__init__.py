"""Marketplace sandbox: a standalone HTTP server that plays marketplaces' APIs.

It is "the other side of the wire" for demos and end-to-end tests: written from each marketplace's
API document only, with the Python standard library, and importing nothing from the rest of the
repository. Run it with ``python -m sandbox``; see ``sandbox/README.md``.
"""

__version__ = "1.0.0"
