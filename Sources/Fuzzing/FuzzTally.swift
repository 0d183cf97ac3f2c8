import Foundation

/// What one target's run saw: the figures `switchboard fuzz` prints and the oracle's verdict.
public struct FuzzTally: Sendable, Codable, Equatable {
    public var target: String
    public var seed: UInt64
    public var inputs = 0
    /// Inputs the target took as valid: a 2xx answer, an `ack`, a decoded frame.
    public var accepted = 0
    /// New outbox rows (and WhatsApp delivery receipts) from correctly signed inputs,
    /// re-signed mutations included: the parser was reached past the signature check.
    public var storedSigned = 0
    /// New rows from inputs whose signature was missing or wrong: must stay 0.
    public var storedUnsigned = 0
    /// Refusals by the adapters' own reason names (the `reason` label of
    /// `switchboard_ingress_rejected_total`, a chat or agent protocol error code, a `WireError` code).
    public var rejections: [String: Int] = [:]
    /// Answers by HTTP status code or frame type.
    public var answers: [String: Int] = [:]
    /// 5xx answers to bad input: must stay 0.
    public var serverErrors = 0
    /// Errors other than an HTTP answer (a thrown error, a closed socket): must stay 0. A trap
    /// ends the process instead, which exits non-zero.
    public var crashes = 0
    /// Other broken promises (a frame without exactly one answer, a decoded message that does
    /// not re-encode to itself, outbox rows the counters do not explain): must stay 0.
    public var violations = 0
    /// The first few failures, each with what replays it.
    public var findings: [String] = []
    public var elapsedSeconds = 0.0

    public init(target: String, seed: UInt64) {
        self.target = target
        self.seed = seed
    }

    public var inputsPerSecond: Double { elapsedSeconds > 0 ? Double(inputs) / elapsedSeconds : 0 }

    /// Whether the run broke the oracle: any crash, any unsigned input stored, any 5xx, any violation.
    public var failed: Bool { crashes > 0 || storedUnsigned > 0 || serverErrors > 0 || violations > 0 }

    public static let findingLimit = 20

    mutating func find(_ text: @autoclosure () -> String) {
        if findings.count < Self.findingLimit { findings.append(text()) }
    }

    mutating func reject(_ reason: String) { rejections[reason, default: 0] += 1 }
    mutating func answer(_ kind: String) { answers[kind, default: 0] += 1 }

    enum CodingKeys: String, CodingKey {
        case target, seed, inputs, accepted, storedSigned, storedUnsigned, rejections, answers, serverErrors, crashes, violations
        case findings, elapsedSeconds, inputsPerSecond, failed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(target, forKey: .target)
        try container.encode(seed, forKey: .seed)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(storedSigned, forKey: .storedSigned)
        try container.encode(storedUnsigned, forKey: .storedUnsigned)
        try container.encode(rejections, forKey: .rejections)
        try container.encode(answers, forKey: .answers)
        try container.encode(serverErrors, forKey: .serverErrors)
        try container.encode(crashes, forKey: .crashes)
        try container.encode(violations, forKey: .violations)
        try container.encode(findings, forKey: .findings)
        try container.encode(elapsedSeconds, forKey: .elapsedSeconds)
        try container.encode(inputsPerSecond, forKey: .inputsPerSecond)
        try container.encode(failed, forKey: .failed)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        target = try container.decode(String.self, forKey: .target)
        seed = try container.decode(UInt64.self, forKey: .seed)
        inputs = try container.decode(Int.self, forKey: .inputs)
        accepted = try container.decode(Int.self, forKey: .accepted)
        storedSigned = try container.decode(Int.self, forKey: .storedSigned)
        storedUnsigned = try container.decode(Int.self, forKey: .storedUnsigned)
        rejections = try container.decode([String: Int].self, forKey: .rejections)
        answers = try container.decode([String: Int].self, forKey: .answers)
        serverErrors = try container.decode(Int.self, forKey: .serverErrors)
        crashes = try container.decode(Int.self, forKey: .crashes)
        violations = try container.decode(Int.self, forKey: .violations)
        findings = try container.decode([String].self, forKey: .findings)
        elapsedSeconds = try container.decode(Double.self, forKey: .elapsedSeconds)
    }
}
