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

