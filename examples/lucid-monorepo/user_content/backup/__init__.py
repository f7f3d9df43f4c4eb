"""User content: backup (placeholder package)."""
