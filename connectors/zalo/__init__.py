"""Zalo Official Account channel; credentials.yml names it ``connectors.zalo.ZaloInput``."""

from connectors.zalo.channel import ZaloInput, ZaloOutput

__all__ = ["ZaloInput", "ZaloOutput"]
