"""Facts a citizen is told (fees, times, documents), read into structure at import."""
