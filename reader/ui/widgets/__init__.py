"""Widgets of the main screen, one a module (the article list, the events panel, the legend…)."""
