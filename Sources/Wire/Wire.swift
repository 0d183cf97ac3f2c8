// Wire module: the inter-process protocol v1 (docs/protocols/wire.md).
//
// Pure and synchronous: value types for every message, `WireCodec` to turn an
// `Envelope` into ZeroMQ frames and back. No sockets here. The protobuf types in
// Generated/ are internal; nothing outside this module depends on them.
