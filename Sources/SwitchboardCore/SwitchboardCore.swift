// SwitchboardCore module. See design.md, "Code layout".
