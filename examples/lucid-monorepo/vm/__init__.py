"""Lucid VM service: lifecycle of the virtual machines that host recorded sessions."""
