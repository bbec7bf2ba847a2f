"""The newest schema revision, importable without SQLAlchemy or Alembic.

Kept apart so that the start-up glance (store/glance.py) can tell an up-to-date database
from one that needs migrating without loading the database layer; a test holds it equal
to the Alembic scripts' head.
"""

SCHEMA_HEAD = "0016_instant_hours"
