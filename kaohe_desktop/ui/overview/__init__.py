"""概览: the counts and the latest assessments."""
