"""User mistakes (bad file, wrong port, bad config) become one line and exit status 2, never a
traceback. Anything else is a bug and keeps its traceback."""


class UserError(Exception):
    """A problem the user can fix; its message is the whole story, on one line."""

    exit_status = 2
