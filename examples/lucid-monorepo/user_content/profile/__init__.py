"""User content: profile (placeholder package)."""
