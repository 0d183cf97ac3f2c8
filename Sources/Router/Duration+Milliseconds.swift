/// Whole milliseconds, for wire fields such as `heartbeat_interval_ms`.
extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
