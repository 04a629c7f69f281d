"""Full screens pushed over the main one: search, bookmarks, timeline, feeds, help.

Each screen is one module and returns its result (:mod:`reader.ui.messages`) through
``dismiss``; the app decides what to do with it.
"""
