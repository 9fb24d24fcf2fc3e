"""Exit status of every command: 0 ok; 1 findings (the spec has problems, an emulated deploy
failed); 2 usage (unknown command or option); 3 an internal error, which is a bug in orgboot."""

OK, FINDINGS, USAGE, INTERNAL_ERROR = 0, 1, 2, 3
