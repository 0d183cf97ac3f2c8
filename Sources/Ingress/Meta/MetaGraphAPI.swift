import SwitchboardCore

/// The Graph API version every Meta call of this adapter uses.
enum MetaGraphAPI {
    static let version = "v19.0"

    /// `{apiBaseUrl}/{version}`, without a doubled slash when the base ends with one.
    static func versionedBase(_ apiBaseURL: HTTPURL) -> String {
        var base = apiBaseURL.string
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/\(version)"
    }
}
