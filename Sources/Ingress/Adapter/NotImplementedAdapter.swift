import Hummingbird
import SwitchboardCore

/// The placeholder of a channel type whose adapter is not written yet: every request
/// under `/channels/<type>/` is answered 501 and stored nowhere.
public struct NotImplementedAdapter: ChannelAdapter {
    public let channelType: ChannelType

    public init(channelType: ChannelType) {
        self.channelType = channelType
    }

    public var routes: [AdapterRoute] {
        let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
        return methods.flatMap { method in
            [
                AdapterRoute(method: method, path: "/channels/\(channelType.rawValue)"),
                AdapterRoute(method: method, path: "/channels/\(channelType.rawValue)/**"),
            ]
        }
    }

    public func receive(_ request: RawRequest) async -> AdapterVerdict {
        .reject(IngressRejection(.notImplemented, "the \(channelType.rawValue) channel is not implemented yet"))
    }

    public func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse {
        .rejection(IngressRejection(.notImplemented, "the \(channelType.rawValue) channel is not implemented yet"))
    }
}
