/// When the drain after the chaos load ends. An offered rate above what the machine carries
/// leaves a backlog that takes longer than the load itself (1,000/s for 60 s drained in 135 s
/// on 2 cores): the drain waits as long as the backlog shrinks, and gives up only when
/// nothing moved for `stall` (or at `ceiling`, should counts swing without reaching zero).
/// Times are `BenchClock` nanoseconds.
struct DrainWatch {
    enum Verdict: Equatable { case drained, waiting, gaveUp }

    let stall: UInt64
    let ceiling: UInt64
    private var lastProgress: UInt64
    private var leastLeft = Int.max

    init(start: UInt64, stall: UInt64, ceiling: UInt64) {
        self.stall = stall
        self.ceiling = ceiling
        lastProgress = start
    }

    /// `left`: what has not arrived yet (webhooks, conversations, replies) at `now`.
    mutating func observe(left: Int, now: UInt64) -> Verdict {
        if left == 0 { return .drained }
        if left < leastLeft { (leastLeft, lastProgress) = (left, now) }
        return now - lastProgress >= stall || now >= ceiling ? .gaveUp : .waiting
    }
}
