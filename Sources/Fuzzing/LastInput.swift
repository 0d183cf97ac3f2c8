import Foundation

/// With `SWITCHBOARD_FUZZ_LAST_INPUT=<path>`, each input is written to that file before it
/// is sent, so when an input kills the process (a trap) the file holds it. Off by default:
/// a write per input costs more than most inputs.
enum LastInput {
    static let path = ProcessInfo.processInfo.environment["SWITCHBOARD_FUZZ_LAST_INPUT"]

    static func record(_ target: String, _ iteration: Int, _ description: @autoclosure () -> String, body: [UInt8]) {
        guard let path else { return }
        var bytes = Array("\(target) input \(iteration + 1)\n\(description())\n\n".utf8)
        bytes += body
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
}
