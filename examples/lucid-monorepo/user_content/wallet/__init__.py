"""The user's view of their wallet balance and payouts."""
