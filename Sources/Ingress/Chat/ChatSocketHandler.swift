import Foundation
import HummingbirdWebSocket
import Logging
import SwitchboardCore
import Wire

/// One visitor socket (docs/channels/chat.md): `hello` within the deadline, `welcome` (form,
/// transcript), then frames both ways until either side closes. A bad frame gets an `error`
/// frame and changes nothing; only a bad `hello` closes the socket (and a frame over the
/// size limit, which the WebSocket layer closes with 1009).
struct ChatSocketHandler: Sendable {
    static let maximumFrameBytes = 64 * 1024
    /// Entries of the transcript sent in `welcome`.
    static let transcriptLimit = 100

    let channel: ChatChannel
    /// The page's origin from the upgrade request (checked already): `chat.origin`.
    let origin: String?
    let hub: ChatHub
    let parts: WebSocketAdapterParts
    let helloTimeout: Duration
    let now: @Sendable () -> Date

    /// What one socket knows after `hello`.
    private struct Session {
        let token: VisitorToken
        let key: ChatConnections.Key
        let resumed: Bool
        let hello: ChatClientFrame.Hello
        /// Nil until the pre-chat form is sent (now or on an earlier visit).
        var visitor: ChatVisitorStore.Visitor?
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var messages = inbound.messages(maxSize: Self.maximumFrameBytes).makeAsyncIterator()
        guard let hello = try await awaitHello(&messages, outbound: outbound) else { return }
        var session: Session
        let transcript: [ChatVisitorStore.Entry]
        do {
            session = try await open(hello)
            transcript = session.resumed ? try await hub.store.transcript(
                channelID: channel.id, key: session.key.visitorKey, limit: Self.transcriptLimit) : []
        } catch {
            parts.logger.error("cannot read the chat visitor store", metadata: ["error": "\(error)"])
            await refuse(outbound, ChatProtocolError(.storeFailed, "the chat is unavailable; try again later"))
            return
        }
        var logger = parts.logger
        logger[metadataKey: "channel.id"] = "\(channel.id)"
        logger[metadataKey: "visitor"] = "\(session.key.visitorKey.prefix(12))"
        logger.debug("visitor connected", metadata: ["resumed": "\(session.resumed)"])

        let connection = ChatConnection()
        hub.connections.add(connection, for: session.key)
        var failure: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in connection.frames {
                    do {
                        try await outbound.write(.text(frame))
                    } catch {
                        connection.close()  // later pushes fail, so a reply is retried rather than lost here
                        return
                    }
                }
            }
            connection.open(first: welcome(session, transcript: transcript))
            if session.resumed {
                // Replies that waited for this visitor go now, not after their back-off.
                await parts.replies?.retryNow(channelInstanceID: channel.id, customerAddress: session.key.visitorKey)
            }
            do {
                try await receive(&messages, session: &session, connection: connection, logger: logger)
            } catch {
                failure = error  // e.g. a message over the limit: the socket closes with its code
            }
            hub.connections.remove(connection, for: session.key)
            connection.close()
        }
        logger.debug("visitor disconnected")
        if let failure { throw failure }
    }

    // MARK: hello

    /// Waits for a valid `hello`; on anything else, or after the deadline, answers `error` and closes.
    // `@concurrent`: it iterates a WebSocket stream of a module built without
    // NonisolatedNonsendingByDefault, whose `next()` runs on the generic executor.
    @concurrent private func awaitHello(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, outbound: WebSocketOutboundWriter
    ) async throws -> ChatClientFrame.Hello? {
        let deadline = Task {
            try await Task.sleep(for: helloTimeout)
            await refuse(outbound, ChatProtocolError(.helloRequired, "no hello within \(helloTimeout)"))
        }
        defer { deadline.cancel() }
        guard let first = try await messages.next() else { return nil }
        deadline.cancel()
        do throws(ChatProtocolError) {
            guard case .text(let text) = first, case .hello(let hello) = try ChatClientFrame.decode(text) else {
                throw ChatProtocolError(.helloRequired, "the first frame must be a hello")
            }
            return hello
        } catch {
            count(error)
            // invalidToken keeps its code: the page forgets the token and connects again.
            let refusal = error.code == .invalidToken || error.code == .helloRequired
                ? error : ChatProtocolError(.helloRequired, "the first frame must be a hello (\(error.reason))")
            await refuse(outbound, refusal)
            return nil
        }
    }

    /// Resumes the visitor of a known token, or makes a new one.
    private func open(_ hello: ChatClientFrame.Hello) async throws(IngressError) -> Session {
        if let token = hello.token, let visitor = try await hub.store.visitor(channelID: channel.id, key: token.key) {
            return Session(token: token, key: key(token), resumed: true, hello: hello, visitor: visitor)
        }
        // First visit, or a token this channel does not know (never started, other channel,
        // data wiped): a new identity, so a token is only ever one the server made.
        let token = VisitorToken.random()
        return Session(token: token, key: key(token), resumed: false, hello: hello, visitor: nil)
    }

    private func key(_ token: VisitorToken) -> ChatConnections.Key {
        ChatConnections.Key(channelID: channel.id, visitorKey: token.key)
    }

    private func welcome(_ session: Session, transcript: [ChatVisitorStore.Entry]) -> String {
        ChatServerFrame.welcome(ChatServerFrame.Welcome(
            visitorToken: session.token.text, resumed: session.resumed, channel: .init(id: channel.id, title: channel.title),
            form: .init(fields: channel.form.fields), started: session.visitor != nil,
            visitor: session.visitor.map { .init(name: $0.name, email: $0.email) }, transcript: transcript.flatMap(hub.item)))
    }

    private func refuse(_ outbound: WebSocketOutboundWriter, _ error: ChatProtocolError) async {
        try? await outbound.write(.text(ChatServerFrame.error(error)))
        try? await outbound.close(.policyViolation, reason: error.code.rawValue)
    }

    // MARK: frames after hello

    @concurrent private func receive(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, session: inout Session, connection: ChatConnection,
        logger: Logger
    ) async throws {
        while let message = try await messages.next() {
            do throws(ChatProtocolError) {
                guard case .text(let text) = message else {
                    throw ChatProtocolError(.unsupportedFrame, "frames are JSON text, not binary")
                }
                switch try ChatClientFrame.decode(text) {
                case .hello:
                    throw ChatProtocolError(.malformed, "hello is only the first frame")
                case .start(let name, let email, let answers):
                    try await start(channel.form.answers(name: name, email: email, answers: answers), session: &session, connection: connection)
                case .message(let clientMessageID, let text):
                    try await store(clientMessageID: clientMessageID, text: text, session: session, connection: connection, logger: logger)
                }
            } catch {
                count(error)
                logger.debug("chat frame refused", metadata: ["code": "\(error.code.rawValue)", "reason": "\(error.reason)"])
                _ = connection.push([ChatServerFrame.error(error)])
            }
        }
    }

    private func start(_ answers: PrechatForm.Answers, session: inout Session, connection: ChatConnection) async throws(ChatProtocolError) {
        let visitor = ChatVisitorStore.Visitor(name: answers.name, email: answers.email, context: answers.context)
        do {
            try await hub.store.saveVisitor(channelID: channel.id, key: session.key.visitorKey, visitor, atMs: nowMs())
        } catch {
            parts.logger.error("cannot store a visitor's pre-chat answers", metadata: ["error": "\(error)"])
            throw ChatProtocolError(.storeFailed, "the form could not be saved; send it again")
        }
        session.visitor = visitor
        _ = connection.push([ChatServerFrame.started(name: visitor.name, email: visitor.email)])
    }

    /// Stores the message in the outbox and acknowledges it only after the commit (R3: a
    /// resend with the same clientMessageId is stored once and acknowledged `duplicate`).
    private func store(
        clientMessageID: String, text: String, session: Session, connection: ChatConnection, logger: Logger
    ) async throws(ChatProtocolError) {
        guard let visitor = session.visitor else {
            throw ChatProtocolError(.notStarted, "send the pre-chat form (start) first", clientMessageID: clientMessageID)
        }
        let receivedAtMs = nowMs()
        let message = InboundMessage(
            channelInstanceID: channel.id, channelType: ChannelType.chat.rawValue,
            providerMessageID: "\(session.key.visitorKey):\(clientMessageID)", customerAddress: session.key.visitorKey,
            customerDisplayName: visitor.name, text: text, context: visitor.context,
            channelData: channelData(session.hello, visitor: visitor), locale: session.hello.locale, receivedAtMs: receivedAtMs,
            clientMessageID: clientMessageID)
        let stored: StoredMessage
        do {
            guard let first = try await parts.recorder.record([message]).first else {
                throw IngressError(code: .storeFailed, message: "the outbox answered no row")
            }
            stored = first
        } catch {
            logger.error("cannot store a visitor message", metadata: ["error": "\(error)"])
            throw ChatProtocolError(.storeFailed, "the message could not be stored; send it again", clientMessageID: clientMessageID)
        }
        logger.debug(
            "visitor message stored",
            metadata: ["message.id": "\(stored.messageID)", "client.message.id": "\(clientMessageID)", "duplicate": "\(stored.duplicate)"])
        do {
            try await hub.store.appendVisitorMessage(
                channelID: channel.id, key: session.key.visitorKey, clientMessageID: clientMessageID, text: text, atMs: receivedAtMs)
        } catch {
            // The message is safe in the outbox; only the page's transcript misses it.
            logger.warning("cannot add a visitor message to the transcript", metadata: ["error": "\(error)"])
        }
        _ = connection.push([ChatServerFrame.ack(clientMessageID: clientMessageID, duplicate: stored.duplicate)])
        if !stored.duplicate {
            // The visitor's other tabs show it too.
            let entry = ChatVisitorStore.Entry(
                kind: .visitor, itemID: clientMessageID, agentID: nil, announcesAgent: false, text: text, atMs: receivedAtMs)
            _ = hub.connections.push(hub.item(entry).map(ChatServerFrame.item), to: session.key, except: connection)
        }
    }

    /// `chat.pageUrl`, `chat.origin` (the agreed channel-data names) and `chat.email`, each only when known.
    private func channelData(_ hello: ChatClientFrame.Hello, visitor: ChatVisitorStore.Visitor) -> [String: String] {
        var data: [String: String] = [:]
        data["chat.pageUrl"] = hello.pageURL
        data["chat.origin"] = origin
        data["chat.email"] = visitor.email
        return data
    }

    private func count(_ error: ChatProtocolError) {
        if let kind = error.rejection { parts.metrics.rejected(kind) }
    }

    private func nowMs() -> Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded()) }
}
