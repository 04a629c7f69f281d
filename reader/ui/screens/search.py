"""The search screen (``/``): results update as you type, in a worker; ``enter`` opens a hit.

Typing pushes back one pending timer (:class:`reader.ui.input_limits.Debounce`); once the keys
pause the query runs in an exclusive thread worker (a newer query cancels an older one still
running), so a burst of keys — a paste without bracketed paste — runs one search, not one a key,
and the UI thread never waits for Whoosh. The field keeps at most ``QUERY_MAX_CHARS`` characters
and says so when it drops some. Snippets and their highlights
come from the search core as plain text + spans, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.log import ERROR, log_exception
from reader.ui.commands import bindings
from reader.ui.input_limits import Debounce, LimitedInput, too_long_message
from reader.ui.messages import OpenHit
from reader.ui.background import ReportsFailedWorkers

DEBOUNCE_S = 0.15
QUERY_MAX_CHARS = 1_000  # a query longer than this is cut (the search core has its own limits too)
_searchers: dict[Path, object] = {}


def get_searcher(folder: Path):
    """One cached searcher per corpus (opening an index is the expensive part)."""
    from reader.search.searcher import Searcher

    key = Path(folder).resolve()
    if key not in _searchers:
        _searchers[key] = Searcher(key)
    return _searchers[key]


def hit_content(hit) -> Content:
    date = hit.published.isoformat() if hit.published else "undated"
    title = Content(hit.title).stylize("bold")
    snippet = Content(hit.snippet)
    for start, end in hit.snippet_spans:
        snippet = snippet.stylize("bold reverse", start, end)
    meta = Content(f"{date} · passage {hit.passage + 1} · score {hit.score:.2f}").stylize("$text-muted")
    return Content.assemble(title, "\n", meta, "\n", snippet)


class SearchScreen(ReportsFailedWorkers, Screen[OpenHit | None]):
    AUTO_FOCUS = "#search-input"  # typing right after the key that opened the screen goes into the field
    BINDINGS = bindings("search")

    @dataclass
    class Results(Message):
        results: object
        generation: int

    def __init__(self, folder: Path, query: str = "") -> None:
        super().__init__()
        self.folder = Path(folder)
        self.initial = query
        self.sort = "relevance"
        self.generation = 0
        self.results = None
        self.limit = 30
        self.debounce = Debounce(self, DEBOUNCE_S, self.run_query)

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield LimitedInput(value=self.initial, limit=QUERY_MAX_CHARS, placeholder='Search: words, "phrase", -not, plat*, fuzzy~, '
                        'title:, person:"Elon Musk", org:, place:, date:2023-04', id="search-input")
            yield Static(id="search-info", markup=False)
            yield OptionList(id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.set_info(Content("Type to search. enter opens the highlighted result; ↑/↓ move; esc closes.")
                      .stylize("$text-muted"))
        if self.initial:
            self.run_query(self.query_one(Input).value)

    def on_key(self, event: events.Key) -> None:
        """A character that reaches the screen instead of the field goes into the field: keys typed
        in the same burst as ``/`` (sent before the field had focus), or typed in the results list."""
        field = self.query_one(Input)
        if event.is_printable and event.character:
            field.insert_text_at_cursor(event.character)
            field.focus()
            event.stop()
            event.prevent_default()

    def set_info(self, content: Content) -> None:
        field = self.query_one(LimitedInput)
        if field.truncated:  # said until the query is short again
            content = Content.assemble(Content(too_long_message("Query", field.limit) + " · ")
                                       .stylize("$text-warning"), content)
        self.query_one("#search-info", Static).update(content)

    @on(Input.Changed, "#search-input")
    def changed(self, event: Input.Changed) -> None:
        self.generation += 1  # results still on their way are for an older text
        self.debounce(event.value)

    @on(LimitedInput.Truncated, "#search-input")
    def truncated(self) -> None:
        self.set_info(Content("searching the first part…").stylize("$text-muted"))

    def run_query(self, text: str) -> None:
        self.generation += 1
        self.debounce.cancel()
        if not text.strip():
            self.query_one(OptionList).clear_options()
            self.results = None
            self.set_info(Content("Type to search.").stylize("$text-muted"))
            return
        self._search(text, self.generation, self.sort, self.limit)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str, generation: int, sort: str, limit: int) -> None:
        from textual.worker import get_current_worker

        if get_current_worker().is_cancelled:
            return
        try:
            results = get_searcher(self.folder).search(text, limit=limit, sort=sort)
        except Exception as exc:  # the search core promises not to raise; never crash the UI anyway
            from reader.search.model import SearchResults

            log_exception(__name__, "search failed for %r", text, level=ERROR)

            results = SearchResults(query=text, error=f"search failed: {exc}")
        if not get_current_worker().is_cancelled:
            self.post_message(self.Results(results, generation))

    def on_search_screen_results(self, message: Results) -> None:
        if message.generation != self.generation:
            return  # a stale answer to an older query
        res = message.results
        self.results = res
        options = self.query_one(OptionList)
        options.clear_options()
        if res.error:
            self.set_info(Content(res.error).stylize("$text-error"))
            return
        if not res.hits:
            bits = [Content(f"No results for {res.understood or res.query}")]
            if getattr(self.app.main, "ingest_state", "") == "running":
                bits.append(Content(" — the index is still being built in the background: results may "
                                    "appear when it is done").stylize("$text-warning"))
            if res.suggestion:
                bits.append(Content(f" — did you mean: {res.suggestion}?").stylize("bold $text-warning"))
            if not get_searcher(self.folder).available:
                bits = [Content("The search index is not built yet: it is being built in the background "
                                "(or run `reader index`).").stylize("$text-warning")]
            self.set_info(Content.assemble(*bits))
            return
        options.add_options([Option(hit_content(h), id=str(i)) for i, h in enumerate(res.hits)])
        options.highlighted = 0
        building = " · index still being built" if getattr(self.app.main, "ingest_state", "") == "running" else ""
        about = "about " if res.approximate else ""  # a long phrase matched by its word pairs
        info = Content(f"{about}{res.total} result{'s' if res.total != 1 else ''}{building} · {res.elapsed_ms:.0f} ms · "
                       f"sorted by {self.sort} (ctrl+s) · understood: {res.understood}").stylize("$text-muted")
        if res.suggestion:
            info = info + Content(f" · did you mean: {res.suggestion}?").stylize("$text-warning")
        if res.notice:  # a limit on pathological input was reached (text from the search core)
            info = info + Content(f" · {res.notice}").stylize("$text-warning")
        self.set_info(info)

    @on(Input.Submitted, "#search-input")
    def submitted(self) -> None:
        self.open_highlighted()

    @on(OptionList.OptionSelected, "#search-results")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one(OptionList).highlighted = event.option_index
        self.open_highlighted()

    def action_open_highlighted(self) -> None:
        self.open_highlighted()

    def open_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if self.results is None or not self.results.hits or options.highlighted is None:
            return
        hit = self.results.hits[options.highlighted]
        self.dismiss(OpenHit(hit.article_id, hit.passage, self.query_one(Input).value))

    def action_results_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_results_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.run_query(self.query_one(Input).value)

    def action_more(self) -> None:
        self.limit += 30
        self.run_query(self.query_one(Input).value)

    def action_close(self) -> None:
        self.dismiss(None)
