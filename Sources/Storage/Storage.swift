// Storage module. See design.md, "Code layout".
