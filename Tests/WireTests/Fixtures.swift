import Fuzzing

/// The sample messages of every type (shared with `switchboard fuzz`, which mutates them).
typealias Fixtures = WireSamples
