"""Stage 1, ingest: read the departments' exports as they arrive (any encoding, CSV or Excel) and
validate them against their contracts (the Great Expectations suites in expectations/)."""
