"""Every command of the UI, declared once.

Key bindings, the footer, the help screen (``?``) and the command palette (``ctrl+p``) are all
generated from :data:`COMMANDS`, so they never disagree. ``scope`` says where a key works:
``app`` everywhere, ``list`` in the article list, ``article`` in the article view. Each binding
carries ``id=<command id>`` so it can be remapped through Textual's keymap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from reader.ui.keys import display_keys

if TYPE_CHECKING:  # the registry itself is plain data: settings and the README tables read it without Textual
    from textual.binding import BindingType

# where a command's key works: everywhere, a pane, a screen, a dialog (the titles: SCOPE_TITLES)
Scope = Literal["app", "list", "filter", "article", "search", "bookmarks", "timeline", "links", "feeds",
                "pick-list", "dialog", "list-dialog", "help"]


@dataclass(frozen=True)
class Command:
    id: str
    keys: str  # comma-separated Textual key names; the first one is shown
    action: str
    title: str
    help: str
    scope: Scope = "app"
    footer: bool = False
    palette: bool = True
    priority: bool = False  # checked before the focused widget sees the key
    per_key: bool = False  # one binding a key, the key passed to the action (links: the digits)

    @property
    def display_keys(self) -> str:
        return display_keys(self.keys)


COMMANDS: tuple[Command, ...] = (
    # everywhere (in this order in the footer: the most used first, a narrow footer cuts the last)
    # priority: "/" is acted on when it arrives, so the keys typed right after it (one burst in a
    # terminal) go to the search screen rather than to the pane that had focus
    Command("search", "slash", "app.search", "Search", "Full-text search (results as you type)", footer=True,
            priority=True),
    Command("help", "question_mark", "app.help", "Help", "Show every key binding", footer=True, palette=False),
    Command("quit", "q", "app.quit", "Quit", "Leave the reader", footer=True, palette=False),
    Command("palette", "ctrl+p", "app.command_palette", "Commands", "Open the command palette", palette=False),
    Command("toggle-events", "v", "app.toggle_events", "Events panel", "Show or hide the linked-events panel",
            footer=True),
    Command("undated-events", "u", "app.toggle_undated_events", "Undated events",
            "List in the events panel the events with no date that no other article reports"),
    Command("timeline", "t", "app.timeline", "Timeline", "All events of the corpus on a time axis"),
    Command("bookmarks", "B", "app.bookmarks", "Bookmarks", "All bookmarks: filter, open, delete with undo"),
    Command("refresh", "R", "app.rescan", "Fetch & rescan",
            "Fetch every feed (when there are subscriptions), re-read the articles folder, update the caches"),
    Command("feeds", "F", "app.feeds", "Feeds",
            "Subscriptions: title, tags, articles, last fetch, errors; show a feed's articles, add, remove, fetch"),
    # priority: before the screen's own tab (focus_next), which cannot reach a pane hidden on a
    # narrow terminal; other screens keep their tab (the action skips there)
    Command("switch-pane", "tab", "app.switch_pane", "Switch pane",
            "Move focus: article list → article → events panel (when shown)", footer=True, priority=True),
    # the daily reading loop (reader/ui/controllers/reading.py): in the list they act on the highlighted
    # article, elsewhere on the open one
    Command("next-unread", "full_stop,ctrl+n", "app.next_unread", "Next unread",
            "Open the next unread article (after this one, then from the top of the list)"),
    Command("toggle-read", "r", "app.toggle_read", "Read/unread", "Mark the article read, or unread again"),
    Command("star", "f,asterisk", "app.toggle_star", "Star", "Star or unstar the article (★ in the list)"),
    Command("mark-all-read", "A", "app.mark_all_read", "Mark all read",
            "Mark every article of the list read (U undoes it)"),
    Command("undo-mark", "U,ctrl+z", "app.undo_mark", "Undo mark all",
            "Put back the reading state the last mark all read changed (also after a restart)"),
    Command("open-browser", "o", "app.open_browser(False)", "Open in browser",
            "Open the article's URL in the web browser ($BROWSER if set)"),
    Command("open-browser-read", "O", "app.open_browser(True)", "Open in browser, mark read",
            "Open the article's URL in the web browser and mark the article read"),
    # the list's filter line and sort (reader/ui/controllers/list_filter.py)
    Command("filter", "l,backslash", "app.filter", "Filter the list",
            "Filter line: words, unread, starred, new, feed:, source:, tag:, lang:, date: (as you type; esc clears)"),
    Command("links", "L", "app.links", "Links", "The article's links, numbered: enter or the number opens one"),
    Command("copy-url", "y", "app.copy_url", "Copy URL", "Copy the article's URL to the clipboard"),
    # article list
    Command("list-down", "j,down", "cursor_down", "Next article", "Move to the next article", scope="list",
            palette=False),
    Command("list-up", "k,up", "cursor_up", "Previous article", "Move to the previous article", scope="list",
            palette=False),
    Command("list-top", "g,home", "first", "First article", "Jump to the first article", scope="list",
            palette=False),
    Command("list-bottom", "G,end", "last", "Last article", "Jump to the last article", scope="list",
            palette=False),
    Command("list-page-down", "space,pagedown,ctrl+f", "page_down", "Page down", "Move one page down",
            scope="list", palette=False),
    Command("list-page-up", "b,pageup,ctrl+b", "page_up", "Page up", "Move one page up", scope="list",
            palette=False),
    Command("open", "enter", "open", "Open", "Open the selected article", scope="list", footer=True,
            palette=False),
    Command("list-sort", "s", "app.cycle_sort", "Sort",
            "Sort the list: by date (newest first), title, source, unread first (remembered)", scope="list"),
    Command("list-clear-filter", "escape", "app.clear_filter", "Clear filter", "Show the whole list again",
            scope="list", palette=False),
    # the filter line (l)
    Command("filter-apply", "enter", "apply", "Keep filter", "Keep the filter and go back to the list",
            scope="filter", palette=False),
    Command("filter-clear", "escape", "clear", "Clear filter", "Clear the filter and close the line",
            scope="filter", palette=False),
    # article view
    Command("passage-down", "j,down", "cursor_down", "Next passage", "Move the passage cursor down",
            scope="article", palette=False),
    Command("passage-up", "k,up", "cursor_up", "Previous passage", "Move the passage cursor up", scope="article",
            palette=False),
    Command("article-top", "g,home", "first", "Top", "Go to the first passage", scope="article", palette=False),
    Command("article-bottom", "G,end", "last", "Bottom", "Go to the last passage", scope="article",
            palette=False),
    Command("read-on", "space", "app.read_on", "Read on",
            "Scroll one page down; at the end of the article, open the next unread one", scope="article",
            palette=False),
    Command("article-page-down", "pagedown,ctrl+f", "page_down", "Page down", "Scroll one page down",
            scope="article", palette=False),
    Command("article-page-up", "pageup,ctrl+b,shift+space", "page_up", "Page up", "Scroll one page up",
            scope="article", palette=False),
    Command("bookmark", "b", "app.bookmark", "Bookmark", "Bookmark the passage under the cursor (or the selected text)",
            scope="article", footer=True),
    Command("select-sentence", "s", "app.select_sentence(False)", "Select sentence",
            "Keyboard selection: select the next sentence of the passage (b then bookmarks it)", scope="article"),
    Command("extend-selection", "S", "app.select_sentence(True)", "Extend selection",
            "Extend the keyboard selection by one sentence", scope="article"),
    Command("copy-passage", "Y", "app.copy_passage", "Copy passage",
            "Copy the passage under the cursor (or the selection) with its citation: title, source, date, URL",
            scope="article"),
    Command("note", "a", "app.note", "Note", "Add or edit the note of this passage's bookmark", scope="article"),
    Command("back", "escape", "app.back", "Back",
            "Clear the selection, then the entity focus, then return to the article list",
            scope="article", palette=False, priority=True),
    Command("entity-next", "e", "app.entity(True)", "Next entity", "Jump to the next named entity",
            scope="article", footer=True),
    Command("entity-prev", "E", "app.entity(False)", "Previous entity", "Jump to the previous named entity",
            scope="article"),
    Command("entity-articles", "enter", "app.activate", "Open", "On an entity: list the articles that mention it",
            scope="article", palette=False),
    Command("match-next", "n", "app.match(True)", "Next match", "Jump to the next search match", scope="article"),
    Command("match-prev", "N", "app.match(False)", "Previous match", "Jump to the previous search match",
            scope="article"),
    # search screen
    Command("search-close", "escape", "close", "Close search", "Back to the reader", scope="search", footer=True,
            palette=False),
    Command("search-down", "down,ctrl+j", "results_down", "Next result", "Highlight the next result",
            scope="search", palette=False),
    Command("search-up", "up,ctrl+k", "results_up", "Previous result", "Highlight the previous result",
            scope="search", palette=False),
    Command("search-open", "enter", "open_highlighted", "Open result",
            "Open the article at the matching passage", scope="search", palette=False),
    Command("search-sort", "ctrl+s", "toggle_sort", "Sort", "Sort by relevance or by date", scope="search",
            footer=True, palette=False),
    Command("search-more", "pagedown", "more", "More results", "Load 30 more results", scope="search",
            palette=False),
    # bookmarks screen
    Command("bookmarks-close", "escape", "close", "Close bookmarks", "Back to the reader", scope="bookmarks",
            footer=True, palette=False),
    Command("bookmarks-down", "down", "down", "Next bookmark", "Move into and down the list", scope="bookmarks",
            palette=False),
    Command("bookmarks-up", "up", "up", "Previous bookmark", "Move up the list", scope="bookmarks", palette=False),
    Command("bookmarks-delete", "d,ctrl+d,delete", "delete", "Delete bookmark",
            "Delete the highlighted bookmark (d in the list)", scope="bookmarks", footer=True, palette=False),
    Command("bookmarks-undo", "u,ctrl+z", "undo", "Undo delete", "Restore the last deleted bookmark",
            scope="bookmarks", footer=True, palette=False),
    Command("bookmarks-note", "a,ctrl+e", "note", "Edit note", "Edit the highlighted bookmark's note",
            scope="bookmarks", footer=True, palette=False),
    Command("bookmarks-filter", "slash", "filter", "Filter", "Back to the filter field (typing filters)",
            scope="bookmarks", palette=False),
    # timeline screen
    Command("timeline-close", "escape", "close", "Close timeline", "Back to the reader", scope="timeline",
            footer=True, palette=False),
    Command("timeline-down", "down", "down", "Next event", "Highlight the next event", scope="timeline",
            palette=False),
    Command("timeline-up", "up", "up", "Previous event", "Highlight the previous event", scope="timeline",
            palette=False),
    Command("timeline-linked", "ctrl+l", "linked", "Only linked", "Show only events linked across articles",
            scope="timeline", footer=True, palette=False),
    Command("timeline-zoom", "ctrl+o", "zoom", "Zoom", "Zoom the axis around the highlighted event (cycles)",
            scope="timeline", footer=True, palette=False),
    # links view (L)
    Command("links-close", "escape,q", "close", "Close links", "Back to the article", scope="links", footer=True,
            palette=False),
    Command("links-down", "j,down", "down", "Next link", "Highlight the next link", scope="links", palette=False),
    Command("links-up", "k,up", "up", "Previous link", "Highlight the previous link", scope="links",
            palette=False),
    Command("links-open", "enter", "open", "Open link", "Open the highlighted link in the web browser",
            scope="links", footer=True, palette=False),
    Command("links-number", "1,2,3,4,5,6,7,8,9,0", "number", "Open by number",
            "Type a link's number to open it (enter after it when more links start with the same digits)",
            scope="links", palette=False, per_key=True),
    Command("links-copy", "y", "copy", "Copy link", "Copy the highlighted link's URL to the clipboard",
            scope="links", footer=True, palette=False),
    # feeds screen (keys on its list; actions on the screen)
    Command("feeds-close", "escape", "screen.close", "Close feeds", "Back to the reader", scope="feeds",
            footer=True, palette=False),
    Command("feeds-open", "enter", "screen.open_feed", "Show articles",
            "Show the highlighted feed's articles in the list (All articles: every one); a saved search: filter the list", scope="feeds",
            footer=True, palette=False),
    Command("feeds-add", "a", "screen.add_feed", "Add feed", "Subscribe to a feed, or to the feed a page links",
            scope="feeds", footer=True, palette=False),
    Command("feeds-remove", "d,delete", "screen.remove_feed", "Remove feed",
            "Unsubscribe from the highlighted feed (press twice; its articles stay), or delete a saved search", scope="feeds", footer=True,
            palette=False),
    Command("feeds-fetch", "f", "screen.fetch_feed", "Fetch now",
            "Fetch the highlighted feed now (on All articles: every feed)", scope="feeds", footer=True,
            palette=False),
    Command("feeds-save-search", "s", "screen.save_search", "Save filter",
            "Save the list's current filter as a saved search (shown after the feeds, with its unread count)",
            scope="feeds", footer=True, palette=False),
    # the lists of the feeds and bookmarks screens (reader.ui.dialogs.base.PickList; arrows are the list's own)
    Command("pick-list-down", "j", "cursor_down", "Next row", "Move down the list (↓ too)", scope="pick-list",
            palette=False),
    Command("pick-list-up", "k", "cursor_up", "Previous row", "Move up the list (↑ too)", scope="pick-list",
            palette=False),
    # dialogs that ask for a line of text (a note, a feed's URL, a saved search's name): enter keeps it
    Command("dialog-cancel", "escape", "dismiss(None)", "Cancel", "Close the dialog, changing nothing",
            scope="dialog", footer=True, palette=False),
    # dialogs that list articles or mentions (reader.ui.dialogs.base.ListDialog: an entity's articles, an
    # event's mentions; the links view has its own keys): enter opens
    Command("list-dialog-close", "escape,q", "close", "Close", "Close the list, opening nothing",
            scope="list-dialog", footer=True, palette=False),
    Command("list-dialog-down", "j", "down", "Next row", "Highlight the next row (↓ too)", scope="list-dialog",
            palette=False),
    Command("list-dialog-up", "k", "up", "Previous row", "Highlight the previous row (↑ too)", scope="list-dialog",
            palette=False),
    # this help
    Command("help-close", "escape,q,question_mark", "dismiss", "Close help", "Back to where ? was pressed",
            scope="help", footer=True, palette=False),
    Command("help-down", "j,down", "scroll_down", "Scroll down", "Scroll the help down", scope="help",
            palette=False),
    Command("help-up", "k,up", "scroll_up", "Scroll up", "Scroll the help up", scope="help", palette=False),
    Command("toggle-entities", "x", "app.toggle_entities", "Toggle entities", "Show or hide entity highlighting"),
)


def bindings(scope: Scope) -> list[BindingType]:
    """The bindings of ``scope``, each with ``id=<command id>`` (``per_key``: ``<command id>-<key>``)."""
    from textual.binding import Binding

    out: list[BindingType] = []
    for cmd in COMMANDS:
        if cmd.scope != scope:
            continue
        if cmd.per_key:
            out += [Binding(k, f"{cmd.action}({k})", cmd.title, show=False, id=f"{cmd.id}-{k}")
                    for k in cmd.keys.split(",")]
            continue
        out.append(Binding(cmd.keys, cmd.action, cmd.title, show=cmd.footer, id=cmd.id,
                           key_display=cmd.display_keys.split()[0], priority=cmd.priority))
    return out


def split_bindings(scope: Scope) -> tuple[list[BindingType], list[BindingType]]:
    """For a screen with a text field: (single-letter bindings for its list, calling ``screen.<action>``;
    the other bindings for the screen itself). Letters typed in the field stay text."""
    from textual.binding import Binding

    letters: list[BindingType] = []
    others: list[BindingType] = []
    for cmd in COMMANDS:
        if cmd.scope != scope:
            continue
        keys = cmd.keys.split(",")
        single = [k for k in keys if len(k) == 1 or k == "slash"]
        multi = [k for k in keys if k not in single]
        if single:
            letters.append(Binding(",".join(single), f"screen.{cmd.action}", cmd.title, show=cmd.footer,
                                   id=f"{cmd.id}-list"))
        if multi:
            others.append(Binding(",".join(multi), cmd.action, cmd.title, show=cmd.footer and not single,
                                  id=cmd.id))
    return letters, others


SPLIT_SCOPES: tuple[Scope, ...] = ("bookmarks",)  # the scopes whose screens use split_bindings (their keys in two bindings)


def keys_of(cmd: Command, remap: Mapping[str, str]) -> str:
    """The keys of ``cmd`` as the user has them: remapped in config.toml's ``[keys]``, else the default."""
    return remap.get(cmd.id, cmd.keys)


def textual_keymap(remap: Mapping[str, str]) -> dict[str, str]:
    """The user's command id → keys as Textual's keymap of binding ids (``App.set_keymap``). A command
    of a split scope has two bindings (its list's and its screen's): both get the keys (letters on the
    screen are still text while its field is typed in: Textual leaves them to the field)."""
    keymap: dict[str, str] = {}
    for cid, keys in remap.items():
        keymap[cid] = keys
        if any(cmd.id == cid and cmd.scope in SPLIT_SCOPES for cmd in COMMANDS):
            keymap[f"{cid}-list"] = keys
    return keymap


SCOPE_TITLES: dict[Scope, str] = {"app": "Everywhere", "list": "Article list", "article": "Article view", "search": "Search screen",
                "bookmarks": "Bookmarks screen", "timeline": "Timeline screen", "links": "Links view",
                "feeds": "Feeds screen", "filter": "Filter line",
                "dialog": "Text dialogs (note, feed URL, saved search name)",
                "list-dialog": "List dialogs (an entity's articles, an event's mentions)", "help": "This help",
                "pick-list": "Lists of the feeds and bookmarks screens"}


def markdown_table(scope: Scope) -> str:
    """The README's key table of ``scope`` (what tests/core/test_cli.py checks the README against): the
    default keys, and the id that config.toml's ``[keys]`` remaps."""
    lines = ["| keys | command | id |", "|---|---|---|"]
    for cmd in COMMANDS:
        if cmd.scope == scope:
            keys = " · ".join(f"`{k}`" for k in cmd.display_keys.split())
            lines.append(f"| {keys} | {cmd.title} — {cmd.help} | `{cmd.id}` |")
    return "\n".join(lines)


def by_scope() -> dict[Scope, list[Command]]:
    out: dict[Scope, list[Command]] = {}
    for cmd in COMMANDS:
        out.setdefault(cmd.scope, []).append(cmd)
    return out


def readme_tables() -> str:
    """The key tables of the README's "Keyboard" section: ``python -m reader.ui.commands``."""
    return "\n\n".join(f"**{SCOPE_TITLES.get(scope, scope)}**\n\n{markdown_table(scope)}" for scope in by_scope())


if __name__ == "__main__":
    print(readme_tables())
