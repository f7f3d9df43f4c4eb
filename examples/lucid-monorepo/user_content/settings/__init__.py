"""User content: settings (placeholder package)."""
