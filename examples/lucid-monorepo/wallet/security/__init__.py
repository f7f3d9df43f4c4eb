"""Signing policy checks for the wallet service."""
