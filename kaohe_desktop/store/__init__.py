"""Persistence: SQLAlchemy models, the engine and sessions, migrations, backups.

Nothing outside this package writes SQL.
"""
