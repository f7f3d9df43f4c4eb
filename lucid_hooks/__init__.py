"""lucid-hooks: pre-commit hooks for Python service monorepos shipped as distroless images."""

__version__ = "0.1.0"
