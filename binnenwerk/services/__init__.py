"""Operations that change data: the one layer that views, the CLI, imports and jobs all call."""


class ServiceError(Exception):
    """A refusal with a message for the user (Dutch msgid, already translated when raised)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
