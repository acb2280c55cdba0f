"""Adapters: the only code that talks to AWS or the network."""
