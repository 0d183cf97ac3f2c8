/// The five base presences (spec P1). Routing only ever looks at these.
public enum BasePresence: String, Sendable, Hashable, CaseIterable, ConfigurationEnum {
    case available, busy, busyDnd, away, offline
}

/// An operator-declared presence shown to agents, mapped onto a base presence (P1).
public struct CustomPresence: Sendable, Hashable {
    public let name: String
    public let base: BasePresence

    public init(name: String, base: BasePresence) {
        self.name = name
        self.base = base
    }
}
