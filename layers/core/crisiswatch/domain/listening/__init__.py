"""Listening: what a brand is watched for and what was heard (watchlist, mentions, language,
stories); imports only the kernel (`domain.clock`, `domain.errors`)."""
