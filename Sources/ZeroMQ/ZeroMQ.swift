// ZeroMQ module. See design.md, "Code layout".
