"""Use-cases: one function per thing a user does.

Each opens its own session (one transaction), validates in full before writing, raises
`InputError` for bad input (nothing written), and returns plain dataclasses from
`services.results`, never live ORM rows.
"""
