"""What the pages share: column table models and views, the background task runner,
the form dialog base, hooks, messages, printing and the window's fonts and icon."""
