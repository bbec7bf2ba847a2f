"""帮助 → 核验文件…: checking a printed document's verification code (verify_dialog)."""
