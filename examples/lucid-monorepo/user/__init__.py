"""Lucid user accounts."""

from .user_manager import User, UserManager

__all__ = ["User", "UserManager"]
