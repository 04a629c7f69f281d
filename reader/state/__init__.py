"""Reading state: read/unread and starred per article id, mark-all-read with undo (core, no UI).

The store is :mod:`reader.state.store`; ``reader mark`` and the state flags of ``reader list`` are in
:mod:`reader.state.cli`.
"""
