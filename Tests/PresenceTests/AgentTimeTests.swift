import Testing

@testable import Presence

/// `AgentTime.iso8601` is written by hand (decisions §26); it must say what Foundation says.
/// Foundation goes through a `Double` of seconds and can print a millisecond less (…00.998
/// for 999 ms), so the date and time to the second are compared with Foundation's, and the
/// milliseconds with the exact value.
@Suite struct AgentTimeTests {
    @Test func theHandWrittenTimeIsFoundationsTime() {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [
            0, 999, 1_000, 86_399_999, 86_400_000, 951_782_400_000,  // 2000-02-29
            4_107_542_399_999, 1_798_761_599_999, 253_402_300_799_999,  // 2099-12-31, 2026-12-31, 9999-12-31 last ms
        ]
        let random = (0..<2_000).map { _ in Int64.random(in: 0..<253_402_300_800_000, using: &generator) }
        for ms in edges + random {
            let text = AgentTime.iso8601(ms: ms)
            let wholeSecond = ms - ms % 1_000
            #expect(text.prefix(20) == AgentTime.foundationISO8601(ms: wholeSecond).prefix(20), "ms \(ms)")
            #expect(text.suffix(4) == "\(1_000 + ms % 1_000)".suffix(3) + "Z", "ms \(ms)")
            #expect(text.count == 24)
        }
        #expect(AgentTime.iso8601(ms: 1_795_644_000_123) == "2026-11-25T22:00:00.123Z")
    }
}
