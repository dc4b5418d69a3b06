"""iMotriz (auto-parts marketplace: Colombia, México, Ecuador, Costa Rica): transactions API."""

from .client import ImotrizClient

__all__ = ["ImotrizClient"]
