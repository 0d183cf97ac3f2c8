import SwitchboardCore

/// The Graph API version every Meta call of the adapters uses.
enum MetaGraphAPI {
    static let version = "v19.0"

    /// `{apiBaseUrl}/{version}/{path}`: a Graph API node or edge of a channel's API base.
    static func url(_ apiBaseURL: HTTPURL, _ path: String) -> String {
        apiBaseURL.joined("/\(version)/\(path)")
    }
}
