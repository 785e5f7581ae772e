"""Stage 3, link: the Splink model (input columns, comparisons, blocking, training, scoring) and
the constrained clustering of scored pairs into children."""
