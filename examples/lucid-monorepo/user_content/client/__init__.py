"""HTTP client for the Lucid session API."""
