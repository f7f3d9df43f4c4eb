"""Session storage service. Its modules import each other script-style; run main.py directly."""
