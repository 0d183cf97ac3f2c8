// Router module. See design.md, "Code layout".
