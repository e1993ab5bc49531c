"""Self-hosted comment moderation: spam and off-topic scoring for blogs."""

from moderation.domain import Comment, Label, Post, Reason, Scores, Site, Span

__all__ = ["Comment", "Label", "Post", "Reason", "Scores", "Site", "Span"]
__version__ = "0.1.0"
