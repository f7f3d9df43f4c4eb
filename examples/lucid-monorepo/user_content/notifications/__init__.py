"""User content: notifications (placeholder package)."""
