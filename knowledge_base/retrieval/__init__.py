"""Search over procedures: query analysis, lexical and dense indexes, fusion."""
