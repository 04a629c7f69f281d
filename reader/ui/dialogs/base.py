"""The one list-dialog base: a modal picker over an option list, its keys written once.

A :class:`ListDialog` is a title (and any lines under it), an :class:`OptionList`, and any lines
after it (a help line). ``j``/``k`` (and ``↓``/``↑``) move, ``enter`` or a click chooses the
highlighted option (:meth:`ListDialog.choose` turns it into the dialog's result), ``esc``/``q``
close with None. A dialog builds its parts in :meth:`~ListDialog.compose_head`,
:meth:`~ListDialog.list_options` and :meth:`~ListDialog.compose_foot`; a dialog whose keys come
from the command registry (the links view) lists them in its own ``BINDINGS``, which override these
ones key by key.

:class:`PickList` is the same j/k on an option list that lives on a full screen (the bookmarks and
feeds lists), where the screen's letters go to a filter field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.ui.commands import bindings

ResultT = TypeVar("ResultT")


class PickList(OptionList):
    """An option list with ``j``/``k`` besides ``↓``/``↑``."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("pick-list")


class ListDialog(ModalScreen[ResultT]):
    """A modal list to pick from; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("list-dialog")
    LIST_ID: ClassVar[str] = "dialog-list"  # the option list's id (tests and CSS find it by it)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield from self.compose_head()
            yield OptionList(*self.list_options(), id=self.LIST_ID)
            yield from self.compose_foot()

    def compose_head(self) -> ComposeResult:
        """The title and any lines above the list."""
        yield from ()

    def list_options(self) -> Iterable[Option]:
        return ()

    def compose_foot(self) -> ComposeResult:
        """Any lines under the list (the keys that work here)."""
        yield from ()

    def choose(self, index: int) -> None:
        """Option ``index`` was chosen (enter, click): dismiss with the dialog's result."""
        raise NotImplementedError

    @property
    def option_list(self) -> OptionList:
        return self.query_one(f"#{self.LIST_ID}", OptionList)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)

    def action_open(self) -> None:
        index = self.option_list.highlighted
        if index is not None:
            self.choose(index)

    def action_down(self) -> None:
        self.option_list.action_cursor_down()

    def action_up(self) -> None:
        self.option_list.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
