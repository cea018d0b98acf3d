"""The knowledge base: procedures in a database, their import, and search over them."""
