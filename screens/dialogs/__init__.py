"""Dialogs every area uses: confirm, help (F1), the change log (F2), edit conflicts."""
