"""Session core: chunking, Merkle trees, session identities and the orchestrator."""
