"""Rasa custom channels: the portal widget's and the Zalo Official Account's."""
