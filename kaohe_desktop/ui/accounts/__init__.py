"""Accounts in the window: the login at start-up, the 账户 dialog for administrators, and
the 修改记录 dialog (the audit record with its verify button)."""
