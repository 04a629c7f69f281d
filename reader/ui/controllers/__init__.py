"""The main screen's capabilities, one a module, each a mixin of MainScreen."""
