"""Access policies and input control for live sessions."""
