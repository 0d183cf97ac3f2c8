#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Helpers that convert between protobuf fields and the Swift value types, validating
// on the way in.

/// The longest id or name a message may carry, in UTF-8 bytes. Conversation ids are the
/// router's 36-byte UUIDs and configured names are at most 64 characters; the loosest ids are
/// the providers' (a custom channel's customer id is up to 256 characters). Without a bound a
/// peer could send a megabyte-long id that every process then keys, stores, logs and resends
/// (found by `FuzzerTests` with seed 8517942567946949723: a debug distributor spent 7–9 s on
/// each step of such a conversation).
extension WireCodec {
    public static let maximumIDBytes = 1_024

    /// Throws `invalidFieldValue` for an id or name a receiver would refuse (a NUL, more than
    /// `maximumIDBytes`): what a process that builds messages from outside input checks first.
    public static func checkID(_ value: String, field: String) throws(WireError) {
        _ = try Wire.checkID(value, field)
    }
}

/// A required id or name: empty is missing; see `checkID` for what else is refused.
func requireID(_ value: String, _ field: String) throws(WireError) -> String {
    guard !value.isEmpty else { throw WireError.missing(field) }
    return try checkID(value, field)
}

/// An optional id or name: empty is absent.
func optionalID(_ value: String, _ field: String) throws(WireError) -> String? {
    value.isEmpty ? nil : try checkID(value, field)
}

/// An id or name that may be empty where the protocol allows it (e.g. a `Grant` for an
/// agent presence did not name).
func checkID(_ value: String, _ field: String) throws(WireError) -> String {
    // The stores key on ids: SQLite's text binding stops at a NUL, so "c\0x" would be stored
    // and looked up as "c", another conversation's id (found by `switchboard fuzz --target
    // distributor`: an agent reply for such a conversation went to the customer of the other one).
    guard !containsNUL(value) else { throw WireError.invalid(field, "contains a NUL character") }
    let length = value.utf8.count
    guard length <= WireCodec.maximumIDBytes else {
        throw WireError.invalid(field, "is \(length) bytes long, at most \(WireCodec.maximumIDBytes) are allowed")
    }
    return value
}

/// Ids or names in a repeated field, each checked by `checkID`.
func checkIDs(_ values: [String], _ field: String) throws(WireError) -> [String] {
    for (index, value) in values.enumerated() { _ = try checkID(value, "\(field)[\(index)]") }
    return values
}

/// A required text that is not an id (a URL): empty is missing, a NUL is refused.
func requireText(_ value: String, _ field: String) throws(WireError) -> String {
    guard !value.isEmpty else { throw WireError.missing(field) }
    guard !containsNUL(value) else { throw WireError.invalid(field, "contains a NUL character") }
    return value
}

/// True when `value` holds a NUL byte. A decoded string is contiguous UTF-8, so this scans
/// its bytes in place; `utf8.contains(0)` stepped through the view's iterator one byte at a
/// time, about 1 % of presence's CPU (every id of every message is checked).
func containsNUL(_ value: String) -> Bool {
    value.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? value.utf8.contains(0)
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

