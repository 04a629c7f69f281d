"""The reader's screens: the main one (list | article | events, :mod:`reader.ui.screens.main`) and
those pushed over it — search, bookmarks, timeline, feeds, help — one a module.

A pushed screen returns its result (:mod:`reader.ui.messages`) through ``dismiss``; the main
screen decides what to do with it.
"""
