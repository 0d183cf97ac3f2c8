/// A point on a manual timeline: tests move time by hand instead of sleeping.
struct TestInstant: InstantProtocol {
    var sinceStart: Duration

    static let start = TestInstant(sinceStart: .zero)

    func advanced(by duration: Duration) -> TestInstant { TestInstant(sinceStart: sinceStart + duration) }
    func duration(to other: TestInstant) -> Duration { other.sinceStart - sinceStart }
    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.sinceStart < rhs.sinceStart }

    static func at(_ seconds: Double) -> TestInstant { TestInstant(sinceStart: .seconds(seconds)) }
}
