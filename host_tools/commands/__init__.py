"""The `leanclip` commands, one module each (`register(parser)` sets `func`); the
libraries they share live one level up in host_tools."""
