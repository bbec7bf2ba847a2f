"""考核评分: assessments, the new-assessment wizard, score entry, events and score import."""
