"""User content: auth (placeholder package)."""
