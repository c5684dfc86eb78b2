"""Widgets shared by the screens (they live here, not in tui/, because screens may
not import tui: dependencies point tui → screens → models)."""
