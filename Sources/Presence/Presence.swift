// Presence module. See design.md, "Code layout".
