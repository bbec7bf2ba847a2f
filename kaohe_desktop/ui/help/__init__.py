"""帮助 → 使用说明: the Chinese manual bundled in resources/help, shown in the program."""
