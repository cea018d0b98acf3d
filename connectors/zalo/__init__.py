"""Zalo Official Account channel; credentials.yml names ``connectors.zalo.channel.ZaloInput``.

Only the channel module needs Rasa: the signature and event parsing use the standard
library, so the tests and the benchmark in the app environment sign webhooks with them.
"""
