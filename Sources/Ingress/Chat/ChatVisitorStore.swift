import Foundation
import GRDB
import Storage
import Wire

/// What ingress-chat remembers of its visitors, in `<data-dir>/ingress-chat/chat.sqlite`:
/// each visitor's pre-chat answers (so a returning visitor does not fill the form again) and
/// a transcript of what they saw (their messages once stored, agents' replies once pushed),
/// sent back on reconnect so the page resumes the conversation.
///
/// Visitors are keyed by channel and visitor key (the token's hash, never the token). The
/// outbox stays the record of what was received; this is the page's view of it.
public final class ChatVisitorStore: Sendable {
    public static let fileName = "chat"

    static let migrations: [StoreMigration] = [
        StoreMigration("v1-chat-visitors") { db in
            try db.execute(sql: """
                CREATE TABLE visitor (
                    channel_id TEXT NOT NULL,
                    visitor_key TEXT NOT NULL,
                    name TEXT,
                    email TEXT,
                    answers TEXT NOT NULL,
                    started_at_ms INTEGER NOT NULL,
                    PRIMARY KEY (channel_id, visitor_key)
                );
                CREATE TABLE transcript (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    channel_id TEXT NOT NULL,
                    visitor_key TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('visitor', 'agent')),
                    item_id TEXT NOT NULL,
                    conversation_id TEXT,
                    agent_id TEXT,
                    announces_agent INTEGER NOT NULL DEFAULT 0,
                    text TEXT NOT NULL,
                    at_ms INTEGER NOT NULL,
                    UNIQUE (channel_id, visitor_key, kind, item_id)
                );
                CREATE INDEX transcript_visitor ON transcript (channel_id, visitor_key, seq);
                """)
        }
    ]

    private let pool: DatabasePool
    /// StoreDatabase turns SQLite's inline checkpoint off; this store's writes trigger one here.
    private let checkpointer: WALCheckpointer

    public convenience init(directory: DataDirectory) throws(IngressError) {
        try self.init(path: directory.storePath(Self.fileName))
    }

    public init(path: String) throws(IngressError) {
        do {
            pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        } catch {
            throw IngressError(code: .storeFailed, message: "cannot open the chat visitor store", cause: error)
        }
        checkpointer = WALCheckpointer(writer: pool, store: "chat visitor")
    }

    struct Visitor: Sendable, Equatable {
        var name: String?
        var email: String?
        var context: [String: ContextValue]
    }

    struct Entry: Sendable, Equatable {
        enum Kind: String, Sendable { case visitor, agent }
        var kind: Kind
        /// The visitor's clientMessageId, or the reply's Wire id.
        var itemID: String
        var agentID: String?
        /// The first reply of this agent in its conversation: the page shows "joined" before it.
        var announcesAgent: Bool
        var text: String
        var atMs: Int64
    }

    /// The visitor who sent the pre-chat form on this channel, or nil.
    func visitor(channelID: String, key: String) async throws(IngressError) -> Visitor? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT name, email, answers FROM visitor WHERE channel_id = ? AND visitor_key = ?", arguments: [channelID, key])
            else { return nil }
            return Visitor(name: row["name"], email: row["email"], context: Self.context(fromJSON: row["answers"] ?? "{}"))
        }
    }

    /// Stores (or replaces) the visitor's pre-chat answers.
    func saveVisitor(channelID: String, key: String, _ visitor: Visitor, atMs: Int64) async throws(IngressError) {
        let answers = Self.json(visitor.context)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO visitor (channel_id, visitor_key, name, email, answers, started_at_ms) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (channel_id, visitor_key) DO UPDATE SET name = excluded.name, email = excluded.email, answers = excluded.answers
                    """,
                arguments: [channelID, key, visitor.name, visitor.email, answers, atMs])
        }
    }

    /// Adds a stored message of the visitor (once per clientMessageId).
    func appendVisitorMessage(channelID: String, key: String, clientMessageID: String, text: String, atMs: Int64) async throws(IngressError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO transcript (channel_id, visitor_key, kind, item_id, text, at_ms) VALUES (?, ?, 'visitor', ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [channelID, key, clientMessageID, text, atMs])
        }
    }

    /// Adds an agent's reply (once per reply id); returns its entry as stored first.
    func appendReply(
        channelID: String, key: String, replyID: String, conversationID: String, agentID: String, text: String, atMs: Int64
    ) async throws(IngressError) -> Entry {
        try await write { db in
            let earlier = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM transcript WHERE channel_id = ? AND visitor_key = ? AND kind = 'agent'
                        AND conversation_id = ? AND agent_id = ? AND item_id != ?)
                    """,
                arguments: [channelID, key, conversationID, agentID, replyID]) ?? false
            try db.execute(
                sql: """
                    INSERT INTO transcript (channel_id, visitor_key, kind, item_id, conversation_id, agent_id, announces_agent, text, at_ms)
                    VALUES (?, ?, 'agent', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """,
                arguments: [channelID, key, replyID, conversationID, agentID, !earlier, text, atMs])
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM transcript WHERE channel_id = ? AND visitor_key = ? AND kind = 'agent' AND item_id = ?",
                arguments: [channelID, key, replyID])
            return row.map(Self.entry) ?? Entry(kind: .agent, itemID: replyID, agentID: agentID, announcesAgent: !earlier, text: text, atMs: atMs)
        }
    }

    /// The visitor's last `limit` entries, oldest first.
    func transcript(channelID: String, key: String, limit: Int) async throws(IngressError) -> [Entry] {
        try await read { db in
            Array(try Row.fetchAll(
                db, sql: "SELECT * FROM transcript WHERE channel_id = ? AND visitor_key = ? ORDER BY seq DESC LIMIT ?",
                arguments: [channelID, key, limit]
            ).map(Self.entry).reversed())
        }
    }

    private static func entry(_ row: Row) -> Entry {
        Entry(
            kind: Entry.Kind(rawValue: row["kind"] ?? "") ?? .visitor, itemID: row["item_id"] ?? "", agentID: row["agent_id"],
            announcesAgent: row["announces_agent"] ?? false, text: row["text"] ?? "", atMs: row["at_ms"] ?? 0)
    }

    // MARK: answers as JSON (strings are text values, numbers number values)

    static func json(_ context: [String: ContextValue]) -> String {
        var object: [String: Any] = [:]
        for (name, value) in context {
            switch value {
            case .text(let text): object[name] = text
            case .number(let number): object[name] = number
            }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func context(fromJSON text: String) -> [String: ContextValue] {
        guard let value = try? JSONValue.decode(text.utf8), case .object(let fields) = value else { return [:] }
        var context: [String: ContextValue] = [:]
        for (name, value) in fields {
            switch value {
            case .string(let text): context[name] = .text(text)
            case .number(let number): context[name] = .number(number)
            default: continue
            }
        }
        return context
    }

    // MARK: access

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(IngressError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw IngressError(code: .storeFailed, message: "cannot read the chat visitor store", cause: error)
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(IngressError) -> T {
        do {
            defer { checkpointer.noteCommit() }
            return try await pool.write(body)
        } catch {
            throw IngressError(code: .storeFailed, message: "cannot write the chat visitor store", cause: error)
        }
    }
}
