"""Operator-side tools: the `crisiswatch` command and the embedded runtime. Never shipped in a Lambda."""
