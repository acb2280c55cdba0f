"""Use cases: each one is what a handler calls, written against ports only."""
