"""Spreadsheet files in and out: score workbooks and rosters.

Readers return plain rows plus a list of problems; they never touch the database.
"""
