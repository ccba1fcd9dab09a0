"""Domain errors: a rule said no. The API turns them into 4xx JSON, the views into form errors."""


class DomainError(Exception):
    """A business rule refused the action; `code` is stable for clients, `message` is for people."""

    status_code = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class NotFound(DomainError):
    status_code = 404

    def __init__(self, what: str) -> None:
        super().__init__("not_found", f"{what} was not found.")


class Forbidden(DomainError):
    status_code = 403

    def __init__(self, message: str) -> None:
        super().__init__("forbidden", message)


class Conflict(DomainError):
    status_code = 409
