"""Stage 1, ingest: read the departments' exports, validate them against their contracts, quarantine
what cannot be used, and account for every row."""
