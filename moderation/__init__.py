"""Self-hosted comment moderation: spam and off-topic scoring for blogs."""

from moderation.domain import Action, Comment, Label, Post, Reason, Scores, Site, Span

__all__ = ["Action", "Comment", "Label", "Post", "Reason", "Scores", "Site", "Span"]
__version__ = "0.1.0"
