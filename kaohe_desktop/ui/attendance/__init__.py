"""考勤: punch import, the month's log and summary, shifts, leave, calendar and points."""
