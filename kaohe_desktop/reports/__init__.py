"""PDFs drawn with reportlab from plain data (dataclasses passed in; no database, no Qt).

Every document embeds a subset of the CJK TrueType font shipped in `resources/fonts/`
(`fonts.register`), so it prints the same on a PC without Chinese fonts.
"""
