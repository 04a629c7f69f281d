"""Modal dialogs, one a module: the pickers on :class:`reader.ui.dialogs.base.ListDialog`
(j/k/↑/↓/enter/esc written once), the note and name prompts on plain ``ModalScreen``."""
