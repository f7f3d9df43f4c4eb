"""User content: gui (placeholder package)."""
