// Wire module. See design.md, "Code layout".
