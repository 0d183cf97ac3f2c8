// Distributor module. See design.md, "Code layout".
