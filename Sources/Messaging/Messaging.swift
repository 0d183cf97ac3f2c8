// Messaging module. See design.md, "Code layout".
