"""reader — a terminal news reader with entity highlighting, search, linked events and bookmarks."""

__version__ = "0.1.0"
