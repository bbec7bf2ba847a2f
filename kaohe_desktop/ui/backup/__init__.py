"""文件 → 从备份恢复, and the offer to restore when a database file is damaged."""
