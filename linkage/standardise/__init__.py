"""Stage 2, standardise: names, IDs, dates, phones and sex, places and addresses, each a module;
`assemble` builds one standardised row per record, `prepare` runs one feed through validation,
quarantine and standardising with every row accounted for, and `checked` holds all feeds together."""
