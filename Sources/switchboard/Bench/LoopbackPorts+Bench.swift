import ProcessRuntime

extension LoopbackPorts {
    /// `allocate`, failing as the bench's set-up does.
    static func forBench(_ count: Int) throws(BenchError) -> [Int] {
        do { return try allocate(count) } catch { throw BenchError(.setupFailed, error.description) }
    }
}
