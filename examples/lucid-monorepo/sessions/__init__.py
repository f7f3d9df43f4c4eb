"""Lucid sessions: recording, processing, storage and anchoring of remote sessions."""
