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


class PromotionRefused(ModerationError):
    """A challenger is worse than the champion on a guarded metric and was not made current."""

    code = "promotion_refused"


class DatasetError(ModerationError):
    """A dataset file could not be read or its format not recognised."""

    code = "dataset_error"


class InvalidComment(ModerationError):
    """A comment to score is malformed (missing content, wrong types)."""

    code = "invalid_comment"


class UnknownSite(ModerationError):
    """No site with that id."""

    code = "unknown_site"


class BadSignature(ModerationError):
    """A webhook signature is missing, malformed, wrong, or too old (a replay)."""

    code = "bad_signature"


class Unauthorized(ModerationError):
    """No valid API token was presented."""

    code = "unauthorized"


class Forbidden(ModerationError):
    """The token is valid but not for this site or action."""

    code = "forbidden"


class NotFound(ModerationError):
    """No such comment or queue item (or not one this token may see)."""

    code = "not_found"


class AlreadyDecided(ModerationError):
    """Another decision on the same item came first."""

    code = "already_decided"


class InvalidRequest(ModerationError):
    """A request is well-formed JSON but asks for something impossible."""

    code = "invalid_request"


class SiteExists(InvalidRequest):
    """A site with that id exists already."""

    code = "site_exists"


class InvalidAkismetCall(ModerationError):
    """An Akismet-protocol call with an unknown key, a blog that is not the key's, or a required
    parameter missing; the protocol answers ``invalid`` and says why in ``X-akismet-debug-help``."""

    code = "invalid_akismet_call"
