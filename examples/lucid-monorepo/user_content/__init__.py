"""Lucid user content service: the end-user client and its feature areas."""
