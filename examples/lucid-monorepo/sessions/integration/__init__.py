"""Clients for systems outside the sessions service."""
