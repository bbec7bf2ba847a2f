"""Printed documents: gather ranking, drill-down and attendance data and hand plain
dataclasses to `reports/` (which draws). One module per kind of document, all reachable
from here (`from kaohe_desktop.services import documents as docs`):

- `documents_common`: options, the job protocol (`Progress`, `run`), staging and safe
  delivery of files, the office's settings, the 审议 gate, document numbers;
- `documents_certificates`: 荣誉证书 and the register of what was issued (发证登记);
- `documents_notices`: 通知 and 通报;
- `documents_sheets`: blank and filled score sheets;
- `documents_lists`: the 公示 list and the monthly attendance report.

Certificates and notices are exactly the rows of `services.consequences` (the rubric's
own consequences for the grades earned), and — like the 公示 list — only from an
assessment that passed 审议 (已审议 or 已公示). Before that, a preview is allowed with
`draft=True`: 草稿 across every page, no numbers, nothing stored.
"""

from __future__ import annotations

from kaohe_desktop.reports.certificates import CertificateTemplate

from .documents_certificates import (
    RegisterEntry,
    certificate_data,
    certificate_register,
    certificate_rows,
    certificates_job,
    register_job,
)
from .documents_common import (
    APPROVED,
    DEFAULT_OPTIONS,
    NOTICE_KINDS,
    SECTION_NAMES,
    DocJob,
    DocumentOptions,
    PartlyWritten,
    Progress,
    Written,
    certificate_prefix,
    free_name,
    issued_numbers,
    last_number,
    number_text,
    period_words,
    require_approved,
    run,
    with_office,
)
from .documents_lists import (
    attendance_job,
    attendance_report_data,
    publicity_data,
    publicity_job,
    top_only_default,
)
from .documents_notices import check_notice_kinds, notice_data, notice_rows, notices_job
from .documents_sheets import blank_sheet_data, filled_sheets, sheets_job

__all__ = [
    "APPROVED", "DEFAULT_OPTIONS", "NOTICE_KINDS", "SECTION_NAMES", "CertificateTemplate", "DocJob",
    "DocumentOptions", "PartlyWritten", "Progress", "RegisterEntry", "Written", "attendance_job",
    "attendance_report_data", "blank_sheet_data", "certificate_data", "certificate_prefix",
    "certificate_register", "certificate_rows", "certificates_job", "check_notice_kinds",
    "filled_sheets", "free_name", "issued_numbers", "last_number", "notice_data", "notice_rows",
    "notices_job", "number_text", "period_words", "publicity_data", "publicity_job",
    "register_job", "require_approved", "run", "sheets_job", "top_only_default", "with_office",
]
