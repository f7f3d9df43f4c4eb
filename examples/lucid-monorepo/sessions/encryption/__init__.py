"""Chunk encryption for recorded sessions."""
