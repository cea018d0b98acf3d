"""Rasa custom actions: find the procedure, answer from its record, clarify, hand off."""
