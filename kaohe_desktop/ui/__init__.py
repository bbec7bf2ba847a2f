"""The window (PySide6). Widgets call services only: no SQL, no scoring rules here."""
