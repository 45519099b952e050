"""The one error type of every identifier validator."""


class FormatError(ValueError):
    """An identifier that does not follow its standard; the message says what is wrong."""
