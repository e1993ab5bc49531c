"""Domain errors. Nothing HTTP here: the edges (CLI, API) translate them."""


class ModerationError(Exception):
    """Base class of every error this package raises on purpose."""

    code = "moderation_error"


class ModelNotFound(ModerationError):
    """No model version with that id, or no current version yet."""

    code = "model_not_found"


class ModelIntegrityError(ModerationError):
    """A model artifact failed verification (checksum, versions, metadata) and was not loaded."""

    code = "model_integrity"


class DatasetError(ModerationError):
    """A dataset file could not be read or its format not recognised."""

    code = "dataset_error"


class InvalidComment(ModerationError):
    """A comment to score is malformed (missing content, wrong types)."""

    code = "invalid_comment"
