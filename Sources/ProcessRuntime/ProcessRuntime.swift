// ProcessRuntime module. See design.md, "Code layout".
