"""Stage 5, publish: the run's tables, the county ledger workbooks, the analysts' match report,
masking, the manifest, and the atomic writing of all of them."""
