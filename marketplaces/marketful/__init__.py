"""Marketful (fulfillment in México): items, stock, multichannel orders, entry orders, webhooks."""

from .client import MarketfulClient

__all__ = ["MarketfulClient"]
