"""The application: the composition root that wires the knowledge base and the actions
into the FastAPI app, the `tthc` command and the Rasa engine beside them."""
