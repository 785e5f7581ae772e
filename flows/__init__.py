"""Wiring: the Prefect flow and the command line. The domain lives in `linkage`."""
