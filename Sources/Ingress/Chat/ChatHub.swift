import Storage
import SwitchboardCore

/// What the chat sockets (`ChatChannelAdapter`) and the chat reply sender share: the
/// configured widgets, the visitors' open sockets and their stored answers and transcripts.
public final class ChatHub: Sendable {
    public static let process = "ingress-chat"

    let channels: [String: ChatChannel]
    let connections = ChatConnections()
    let store: ChatVisitorStore
    /// Agents' display names, shown to visitors when an agent joins.
    let agentNames: [String: String]

    public init(configuration: SwitchboardConfiguration, store: ChatVisitorStore) {
        channels = ChatChannel.all(in: configuration)
        agentNames = Dictionary(configuration.agents.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        self.store = store
    }

    /// Opens the visitor store next to the outbox: `<dataDirectory or system.dataDir>/ingress-chat/chat.sqlite`.
    public convenience init(configuration: SwitchboardConfiguration, dataDirectory: String?) throws(IngressError) {
        let directory: DataDirectory
        do {
            directory = try DataDirectory(path: dataDirectory ?? configuration.system.dataDirectory, process: Self.process)
        } catch {
            throw IngressError(code: .storeFailed, message: "cannot open the chat data directory", cause: error)
        }
        self.init(configuration: configuration, store: try ChatVisitorStore(directory: directory))
    }

    func item(_ entry: ChatVisitorStore.Entry) -> [ChatItem] {
        let sentAt = ChatItem.iso8601(ms: entry.atMs)
        switch entry.kind {
        case .visitor:
            return [ChatItem(type: .message, id: entry.itemID, clientMessageId: entry.itemID, text: entry.text, sentAt: sentAt)]
        case .agent:
            let name = entry.agentID.flatMap { agentNames[$0] }
            let reply = ChatItem(type: .reply, id: entry.itemID, agentId: entry.agentID, agentName: name, text: entry.text, sentAt: sentAt)
            guard entry.announcesAgent else { return [reply] }
            return [ChatItem(type: .agentJoined, id: "joined-" + entry.itemID, agentId: entry.agentID, agentName: name, sentAt: sentAt), reply]
        }
    }
}
