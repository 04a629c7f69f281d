"""Which of the reader's commands can act now: one ``check_action`` for the keys of the reading panes.

Textual asks ``check_action`` of the node an action runs on, for the footer (``None``: the key is
shown dimmed; ``False``: hidden) and before running it (anything but ``True``: the key does nothing
and goes on to the next binding). The palette (:mod:`reader.ui.providers`) offers only what this
allows. Whatever changes an answer calls ``refresh_bindings()`` so the footer follows.

- the article's commands (bookmark, select, copy passage, note, entities, matches): an article is open;
- ``n``/``N``: the open article has matches of the last search;
- ``a`` (note): a bookmark is on the passage under the cursor (:meth:`Availability.cursor_on`).
"""

from __future__ import annotations


from textual.actions import parse

from reader.ui.commands import COMMANDS
from reader.ui.controllers.host import ScreenHost

# the app actions of the article view's commands; esc (back: to the list) and space (read on: the
# next unread article at the end) act with no article too
ARTICLE_ACTIONS = frozenset(parse(cmd.action)[1] for cmd in COMMANDS
                            if cmd.scope == "article" and cmd.action.startswith("app.")) - {"back", "read_on"}


class Availability(ScreenHost):
    """Mixed into the screen the panes' actions run on (the main screen: ``article``, ``match_list``…)."""

    bookmark_here = False  # a bookmark is on the passage under the cursor

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ARTICLE_ACTIONS and self.article is None:
            return None
        if action == "match" and not self.match_list:
            return None
        if action == "note" and not self.bookmark_here:
            return None
        return True

    def cursor_on(self, passage: int) -> None:
        """The cursor is on ``passage``, or the bookmarks changed: ``a`` follows (and the footer)."""
        here = any(not anchor.orphaned and anchor.passage == passage for _bm, anchor in self.anchored)
        if here != self.bookmark_here:
            self.bookmark_here = here
            self.refresh_bindings()
