/// One ZeroMQ message: one or more frames, sent and received atomically.
public struct Multipart: Sendable, Hashable, CustomStringConvertible {
    /// The frames, first to last. A ROUTER prepends the peer's routing id on receive and
    /// expects it as the first frame on send.
    public var frames: [[UInt8]]

    public init(_ frames: [[UInt8]]) {
        self.frames = frames
    }

    /// Frames from UTF-8 strings: `Multipart(strings: "READY", "billing")`.
    public init(strings: String...) {
        self.init(strings: strings)
    }

    public init(strings: [String]) {
        self.frames = strings.map { Array($0.utf8) }
    }

    /// Each frame decoded as UTF-8 (invalid sequences repaired), for tests and logs.
    public var strings: [String] {
        frames.map { String(decoding: $0, as: UTF8.self) }
    }

    /// This message with `routingID` prepended: what a ROUTER sends to reach that peer.
    public func addressed(to routingID: [UInt8]) -> Multipart {
        Multipart([routingID] + frames)
    }

    public var description: String {
        "Multipart(\(frames.map { "\($0.count)B" }.joined(separator: ", ")))"
    }
}

extension Multipart: ExpressibleByArrayLiteral {
    /// `["a", "b"]` as two UTF-8 frames.
    public init(arrayLiteral elements: String...) {
        self.init(strings: elements)
    }
}
