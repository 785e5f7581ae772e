"""The domain of the migrant-children register: pure stages over Arrow tables and DuckDB."""
