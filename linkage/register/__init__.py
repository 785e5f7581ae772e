"""Stage 4, register: master IDs stable across runs, one golden record per child, migrant status
with its reason, and gaps in care."""
