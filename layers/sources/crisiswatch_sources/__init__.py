"""Connectors to public sources. Each implements the `MentionSource` port and returns normalised mentions."""
