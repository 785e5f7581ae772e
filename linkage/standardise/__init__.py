"""Stage 2, standardise: names, IDs, dates, phones and sex, places and addresses, each a module;
`assemble` puts them together into one standardised row per kept record."""
