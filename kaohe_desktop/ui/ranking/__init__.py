"""排名: the ranking table and charts, drill-down, grade scale and review."""
