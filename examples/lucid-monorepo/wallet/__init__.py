"""Lucid wallet service: key management, signing policies and the walletd backends."""
