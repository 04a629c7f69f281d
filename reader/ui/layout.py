"""Where the panes go for a terminal width: the article keeps a readable width, the others give way.

Three panes share the width: the article list, the article, the events panel (when shown). The
article never drops below ``ARTICLE_MIN_TEXT`` columns of text while the terminal has room for it;
the other panes give way in this order:

1. the list narrows (from 36% of the width down to ``LIST_MIN``) before the article drops below
   ``ARTICLE_GOOD_TEXT`` columns;
2. the list hides: the list and the reading pane take the whole width in turn (the one with focus);
3. the events panel goes below the article, across the width, instead of beside it.

Pure arithmetic (no Textual) so the rule is tested on its own; ``ReaderApp._layout_panes`` applies it.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

ARTICLE_MIN_TEXT = 40  # columns of article text, at the least
ARTICLE_GOOD_TEXT = 60  # the list narrows before the article text gets narrower than this
# article view columns that are not text: padding 1 + 2, scrollbar gutter 2, cursor and bookmark gutters 2 + 2
ARTICLE_CHROME = 9
LIST_SHARE = 0.36  # of the terminal width, when there is room
LIST_MIN = 30
EVENTS_WIDTH = 34  # beside the article (styles/reader.tcss: #events)
EventsPlace = Literal["beside", "below", ""]  # "": not shown


class PanePlan(NamedTuple):
    list_width: int  # 0: no room beside the article; list and article take the width in turn
    events: EventsPlace


def plan_panes(width: int, events: bool) -> PanePlan:
    need = ARTICLE_MIN_TEXT + ARTICLE_CHROME
    good = ARTICLE_GOOD_TEXT + ARTICLE_CHROME
    where: EventsPlace = ""
    if events:
        where = "beside" if width - EVENTS_WIDTH >= need else "below"
    room = width - (EVENTS_WIDTH if where == "beside" else 0)  # for the list and the article
    list_width = max(LIST_MIN, min(round(LIST_SHARE * width), room - good))
    if room - list_width < need:
        list_width = 0
    return PanePlan(list_width, where)
