"""The moderator web page under ``/ui/``: server-rendered (Jinja2), a little plain JavaScript."""
