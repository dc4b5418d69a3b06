"""Grupo Éxito seller center (Colombia)."""

from .client import ExitoClient

__all__ = ["ExitoClient"]
