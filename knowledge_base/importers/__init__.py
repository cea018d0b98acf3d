"""Importers: the national portal export, provincial catalogues, the project seed."""
