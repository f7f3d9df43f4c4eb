"""Lucid storage service: MongoDB volume management."""
