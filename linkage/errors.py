"""Errors that stop a run, each worded for the data engineer who has to act on it."""

from linkage.privacy import mask_text


class FeedError(Exception):
    """A feed cannot be used at all: names the file and, where known, the row and field."""

    def __init__(self, file: str, problem: str, *, row: int | None = None, field: str | None = None):
        self.file, self.problem, self.row, self.field = file, problem, row, field
        where = file
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field {field}"
        # A message may quote what the file holds (its headers, say): never a child's number.
        super().__init__(mask_text(f"{where}: {problem}"))

    def __reduce__(self):
        # Rebuilt from its parts when it crosses from a worker process (feeds are read in them).
        return _feed_error, (type(self), self.file, self.problem, self.row, self.field)


def _feed_error(kind: type[FeedError], file: str, problem: str, row: int | None, field: str | None) -> FeedError:
    return kind(file, problem, row=row, field=field)


class ConfigError(Exception):
    """A configuration file is missing or malformed."""


class FeedsUnusable(FeedError):
    """Several feeds cannot be used: each one's error, one line each."""

    def __init__(self, errors: list[FeedError]):
        Exception.__init__(self, "\n".join(str(e) for e in errors))
        self.errors = errors
        self.file, self.problem, self.row, self.field = errors[0].file, errors[0].problem, None, None


class ModelError(ConfigError):
    """A saved model cannot be used: not JSON, not a Splink model, or trained for other comparisons."""


class RunLayoutError(ConfigError):
    """A folder given to a run is missing or of the wrong kind (a file for a folder, not a run)."""


class OutputBusy(RunLayoutError):
    """Another run is writing the same output folder."""


class RowsLost(FeedError):
    """Rows read do not equal rows kept plus rows quarantined: a run stops rather than lose one."""
