// Ingress module. See design.md, "Code layout".
