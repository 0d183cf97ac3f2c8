#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Helpers that convert between protobuf fields and the Swift value types, validating
// on the way in.

/// A required string: empty is missing.
func requireNonEmpty(_ value: String, _ field: String) throws(WireError) -> String {
    guard !value.isEmpty else { throw WireError.missing(field) }
    // Every required string is an id or a name, and the stores key on them: SQLite's text
    // binding stops at a NUL, so "c\0x" would be stored and looked up as "c", another
    // conversation's id (found by `switchboard fuzz --target distributor`: an agent reply for
    // such a conversation went to the customer of the other one).
    guard !value.utf8.contains(0) else { throw WireError.invalid(field, "contains a NUL character") }
    return value
}

/// An optional string: empty is absent.
func nonEmpty(_ value: String) -> String? {
    value.isEmpty ? nil : value
}

/// A required 16-byte message id carried in a `bytes` field.
func requireMessageID(_ data: Data, _ field: String) throws(WireError) -> MessageID {
    guard !data.isEmpty else { throw WireError.missing(field) }
    guard let id = MessageID(bytes: data) else {
        throw WireError.invalid(field, "a message id must be \(MessageID.byteCount) bytes, got \(data.count)")
    }
    return id
}

extension MessageID {
    var data: Data { Data(bytes) }
}

