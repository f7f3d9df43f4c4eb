"""Limits every VM spec is checked against."""

<<<<<<< HEAD
MAX_VCPUS = 64
=======
MAX_VCPUS = 32
>>>>>>> quota-review
MAX_MEMORY_MB = 262_144
