import Foundation

/// The directory a process keeps its durable state in (`--data-dir`). Each process owns a
/// subdirectory named after it (`router/`, `distributor-1/`, `ingress-custom/`), so several
/// processes can share one data directory on one machine without touching each other's files.
public struct DataDirectory: Sendable, Hashable {
    public let url: URL

    /// Creates the directory (and parents) when missing; fails clearly when the path exists
    /// but is not a directory, or cannot be created.
    public init(path: String, process: String) throws(StorageError) {
        let url = URL(fileURLWithPath: path, isDirectory: true)
            .appendingPathComponent(process, isDirectory: true)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StorageError(
                    code: .dataDirectoryUnusable, message: "\(url.path) exists and is not a directory")
            }
        } else {
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw StorageError(
                    code: .dataDirectoryUnusable, message: "cannot create data directory \(url.path)",
                    cause: error as NSError)
            }
        }
        guard FileManager.default.isWritableFile(atPath: url.path) else {
            throw StorageError(code: .dataDirectoryUnusable, message: "data directory \(url.path) is not writable")
        }
        self.url = url
    }

    /// The path of one SQLite store in this directory, e.g. `journal.sqlite`.
    public func storePath(_ name: String) -> String {
        url.appendingPathComponent("\(name).sqlite").path
    }
}
