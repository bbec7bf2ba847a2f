"""Opening an OLE compound file (legacy .xls, .doc, encrypted .xlsx) with olefile, and the
names of its streams.

Office keeps a password-protected .xlsx/.docx as an OLE container holding
`EncryptionInfo` and `EncryptedPackage` streams instead of a zip; a .doc holds
`WordDocument`; a real .xls holds `Workbook` (BIFF8) or `Book` (BIFF5). Reading the
directory is enough to tell them apart before python-calamine gives a vaguer error (or
panics on a truncated file). The container is opened once and also serves the error-cell
scan (`xls_errors`). Any inconsistency (truncated file, loop in a chain) raises
ValueError.
"""

from __future__ import annotations

import io

import olefile

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_compound(data: bytes) -> olefile.OleFileIO:
    """The compound file `data`, its header, FAT and directory read and checked; the
    caller closes it. ValueError when it is not one or is damaged."""
    if len(data) < 512 or not data.startswith(MAGIC):
        raise ValueError("not an OLE compound file")
    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:  # olefile's OleFileError (an OSError), and on crafted input
        # the IndexError/struct.error/RecursionError of its parsing: all mean "damaged"
        raise ValueError(f"damaged OLE compound file: {exc}") from None


def stream_names(ole: olefile.OleFileIO) -> list[str]:
    """The name of every stream and storage in the container (without the root)."""
    return [path[-1] for path in ole.listdir(streams=True, storages=True)]
