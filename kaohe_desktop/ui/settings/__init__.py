"""Dialogs for the database's own settings (文件 → 单位信息)."""
