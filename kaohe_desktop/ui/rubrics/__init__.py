"""考核细则: browsing and editing rubrics — the item tree, rules, levels and grades."""
