"""The Rasa engine side: graph components for Vietnamese and the engine launcher."""
