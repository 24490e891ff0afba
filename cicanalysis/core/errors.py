"""The library's own error type: a fatal problem described in one line for the analyst."""


class CicError(Exception):
    """A fatal problem with the input or the request, in one plain sentence.

    The CLI prints the message (no traceback) and exits with code 2.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, rule: str | None = None):
        parts = []
        if file:
            parts.append(f"{file}")
        if row is not None:
            parts.append(f"row {row}")
        if column:
            parts.append(f"column {column}")
        where = ", ".join(parts)
        text = f"{where}: {message}" if where else message
        if rule:
            text = f"{text} [rule: {rule}]"
        super().__init__(text)
        self.file, self.row, self.column, self.rule = file, row, column, rule
