"""Pure rules: rubric trees, scoring, aggregation, ranking and grading.

Nothing here imports Qt, SQLAlchemy or touches files; an import-linter contract holds it.
"""
