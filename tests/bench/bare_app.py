"""The floor for start-up: a bare Textual app showing a static two-item list, exiting after first paint."""

from textual.app import App
from textual.widgets import Footer, OptionList


class Bare(App):
    def compose(self):
        yield OptionList("Microsoft se retire de Twitter", "Twitter va disparaître")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit)


if __name__ == "__main__":
    Bare().run(headless=True)
