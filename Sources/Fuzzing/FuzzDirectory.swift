import Foundation
import Storage

/// A temporary folder for one target's stores, removed when the target is done.
struct FuzzDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-fuzz-\(UUID().uuidString)")

    func data(process: String) throws -> DataDirectory {
        try DataDirectory(path: url.path, process: process)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
