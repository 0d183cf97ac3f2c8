/// The one error type of the Storage module (design.md, "Errors"): a code to branch on,
/// a message for people, and the underlying cause (a GRDB `DatabaseError`, a file error).
public struct StorageError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: Hashable, Sendable {
            case dataDirectoryUnusable, openFailed, migrationFailed, newerSchema, readFailed, writeFailed
        }
        fileprivate let value: Value

        /// The data directory could not be created or is not a writable directory.
        public static let dataDirectoryUnusable = Code(value: .dataDirectoryUnusable)
        /// SQLite refused to open or configure the file.
        public static let openFailed = Code(value: .openFailed)
        /// A schema migration failed; the transaction was rolled back.
        public static let migrationFailed = Code(value: .migrationFailed)
        /// The file was written by a newer Switchboard whose schema this one does not know.
        public static let newerSchema = Code(value: .newerSchema)
        /// A query failed (I/O error, corrupt file).
        public static let readFailed = Code(value: .readFailed)
        /// A write transaction failed and was rolled back; nothing of it is stored.
        public static let writeFailed = Code(value: .writeFailed)

        public var description: String {
            switch value {
            case .dataDirectoryUnusable: "data directory unusable"
            case .openFailed: "open failed"
            case .migrationFailed: "migration failed"
            case .newerSchema: "newer schema"
            case .readFailed: "read failed"
            case .writeFailed: "write failed"
            }
        }
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
