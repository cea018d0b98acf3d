"""Vietnamese text without any engine: normalisation, folding and chat formatting.

Imported by both Python environments (the Rasa engine and the app), so it uses the
standard library only.
"""
