"""The Textual UI. Only this package imports Textual; it calls the core modules, never the reverse."""
