import Foundation
import Logging
import Storage
import SwitchboardTestSupport
import Synchronization
import Testing
import Wire
import ZeroMQ

@testable import Ingress

/// The forwarder's own logic (window, paging, settling) over an in-memory link; the
/// real-socket behaviour (resend, restart) is in `ForwarderSocketTests`.
@Suite struct ForwarderTests {
    /// Records what is sent; the test plays the router by answering through `answer`.
    final class RecordingLink: ForwardingLink {
        private let sentMessages = Mutex<[Envelope]>([])
        let inbound: AsyncStream<Envelope>
        private let continuation: AsyncStream<Envelope>.Continuation

        init() {
            (inbound, continuation) = AsyncStream.makeStream(of: Envelope.self)
        }

        func start() async throws {}
        func stop() async { continuation.finish() }
        func sendReliably(_ envelope: Envelope) async throws { sentMessages.withLock { $0.append(envelope) } }
        func sendReliably(_ encoded: EncodedEnvelope) async throws {
            let envelope = try WireCodec.decode(frames: encoded.frames)
            sentMessages.withLock { $0.append(envelope) }
        }
        func send(_ envelope: Envelope) async throws { sentMessages.withLock { $0.append(envelope) } }
        var isPeerAlive: Bool { true }

        var sent: [Envelope] { sentMessages.withLock { $0 } }

        func answer(_ id: MessageID, _ outcome: AckOutcome, conversation: String? = "c-1") {
            continuation.yield(Envelope(
                id: MessageID(prefix: 9, counter: id.counter),
                message: .submitAck(SubmitAck(ackedID: id, outcome: outcome, conversationID: conversation))))
        }
    }

    static func store(count: Int, in directory: TemporaryDirectory, ids: MessageIDGenerator) async throws -> OutboxStore {
        let store = try directory.outbox()
        let recorder = InboundRecorder(store: store, ids: ids, metrics: IngressMetrics(channelType: .custom), stored: OutboxSignal())
        for index in 0..<count {
            _ = try await recorder.record([InboundMessage(
                channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: "m-\(index)", customerAddress: "u",
                text: "hello \(index)")])
        }
        return store
    }

    /// Runs `forwarder` while `body` runs, then stops it. `loop`: the forwarder's tasks prefer
    /// it, as in the process (decisions §22).
    static func whileRunning<Link: ForwardingLink>(
        _ forwarder: Forwarder<Link>, on loop: ZeroMQEventLoop? = nil, _ body: () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: loop) { try await forwarder.run() }
            try await body()
            group.cancelAll()
        }
    }

    /// Waits for `condition` up to 30 s: it holds within milliseconds on an idle machine, but
    /// CI runs this suite beside hundreds of tests on two cores, where a forwarder's task can
    /// wait seconds for a thread (two CI runs failed at 5 s).
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func sendsPendingRowsInPagesWithinTheWindowAndSettlesAnswers() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try await Self.store(count: 25, in: directory, ids: MessageIDGenerator(prefix: 1))
        let link = RecordingLink()
        let stored = OutboxSignal()
        let forwarder = Forwarder(
            link: link, store: store, stored: stored, metrics: IngressMetrics(channelType: .custom),
            settings: .init(window: 10, pageSize: 4), logger: Logger(label: "test"))
        try await Self.whileRunning(forwarder) {

            #expect(try await Self.eventually { link.sent.count == 10 })
            try await Task.sleep(for: .milliseconds(50))
            #expect(link.sent.count == 10, "the window holds at 10")
            #expect(await forwarder.inFlightCount == 10)

            // Acks free the window; rows follow in storage order.
            for envelope in link.sent.prefix(3) { link.answer(envelope.id, .accepted) }
            link.answer(link.sent[3].id, .duplicate)
            link.answer(link.sent[4].id, .rejected(reason: "unknown channel instance"))
            #expect(try await Self.eventually { link.sent.count == 15 })
            // Play the router until everything is answered: each ack lets the next row out.
            var answered = 5
            #expect(try await Self.eventually {
                let sent = link.sent
                for envelope in sent.dropFirst(answered) { link.answer(envelope.id, .accepted) }
                answered = sent.count
                return try await store.pendingCount() == 0
            })
        }
        let providerIDs = link.sent.compactMap { envelope -> String? in
            if case .submit(let submit) = envelope.message { return submit.message.providerMessageID }
            return nil
        }
        #expect(providerIDs == (0..<25).map { "m-\($0)" })
        let rows = try await store.allRows()
        #expect(rows.filter { $0.state == .acked }.count == 24)
        #expect(rows[4].state == .rejected)
        #expect(rows[4].reason == "unknown channel instance")
        #expect(rows[0].conversationID == "c-1")
        // Every Submit went out under the id it is stored under.
        #expect(link.sent.map(\.id.bytes) == rows.map(\.messageID))
    }

    @Test func aNewRowIsSentRightAfterItsCommit() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.outbox()
        let link = RecordingLink()
        let stored = OutboxSignal()
        let metrics = IngressMetrics(channelType: .custom)
        let forwarder = Forwarder(link: link, store: store, stored: stored, metrics: metrics, logger: Logger(label: "test"))
        let recorder = InboundRecorder(store: store, ids: MessageIDGenerator(), metrics: metrics, stored: stored)
        try await Self.whileRunning(forwarder) {
            try await Task.sleep(for: .milliseconds(50))
            #expect(link.sent.isEmpty)
            let stored = try await recorder.record([InboundMessage(
                channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: "late", customerAddress: "u", text: "hi")])
            #expect(try await Self.eventually { link.sent.map(\.id) == [stored[0].messageID] })
        }
    }

    /// Rows committed while the signal was full are in the store only: a forwarder that had
    /// caught up reads them, after the rows it was handed.
    @Test func rowsTheSignalCouldNotKeepAreReadFromTheStore() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.outbox()
        let link = RecordingLink()
        let stored = OutboxSignal(capacity: 2)
        let metrics = IngressMetrics(channelType: .custom)
        let forwarder = Forwarder(link: link, store: store, stored: stored, metrics: metrics, logger: Logger(label: "test"))
        let recorder = InboundRecorder(store: store, ids: MessageIDGenerator(), metrics: metrics, stored: stored)
        func message(_ index: Int) -> InboundMessage {
            InboundMessage(
                channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: "m-\(index)", customerAddress: "u",
                text: "hello \(index)")
        }
        try await Self.whileRunning(forwarder) {
            _ = try await recorder.record([message(0)])
            #expect(try await Self.eventually { link.sent.count == 1 })
            _ = try await recorder.record((1...4).map(message))  // two kept, two only in the store
            #expect(try await Self.eventually { link.sent.count == 5 })
        }
        let rows = try await store.allRows()
        #expect(link.sent.map(\.id.bytes) == rows.map(\.messageID), "every row once, in storage order")
    }

    /// A link on the process's loop, as the real one (decisions §45): the forwarder's calls to
    /// it run in place.
    actor LoopLink: ForwardingLink {
        let loop: ZeroMQEventLoop
        nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
        nonisolated var sharedExecutor: UnownedSerialExecutor? { unownedExecutor }
        nonisolated let inbound: AsyncStream<Envelope>
        private let continuation: AsyncStream<Envelope>.Continuation
        private(set) var sent: [MessageID] = []

        init(loop: ZeroMQEventLoop) {
            self.loop = loop
            (inbound, continuation) = AsyncStream.makeStream(of: Envelope.self)
        }

        func start() {}
        func stop() { continuation.finish() }
        func sendReliably(_ envelope: Envelope) { sent.append(envelope.id) }
        func sendReliably(_ encoded: EncodedEnvelope) { sent.append(encoded.id) }
        func send(_ envelope: Envelope) {}
        var isPeerAlive: Bool { true }
    }

    /// On the process's loop, the recorder lets the forwarder send what it just committed
    /// before it returns to the HTTP handler (decisions §48): the Submit does not wait for the
    /// provider's answer to be written.
    @Test func onTheLoopARecordedRowIsSentBeforeTheRecorderReturns() async throws {
        try await withEventLoop { loop in
            let directory = TemporaryDirectory()
            defer { directory.remove() }
            let store = try directory.outbox()
            let link = LoopLink(loop: loop)
            let stored = OutboxSignal()
            let metrics = IngressMetrics(channelType: .custom)
            let forwarder = Forwarder(link: link, store: store, stored: stored, metrics: metrics, logger: Logger(label: "test"))
            let recorder = InboundRecorder(store: store, ids: MessageIDGenerator(), metrics: metrics, stored: stored)
            func recordOnTheLoop(_ id: String) async throws -> Int {
                try await withTaskExecutorPreference(loop) {
                    _ = try await recorder.record([InboundMessage(
                        channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: id, customerAddress: "u", text: "hi")])
                    return await link.sent.count
                }
            }
            try await Self.whileRunning(forwarder, on: loop) {
                // The first row shows the forwarder is up and waiting for the next.
                _ = try await recordOnTheLoop("first")
                #expect(try await Self.eventually { await link.sent.count == 1 })
                #expect(try await recordOnTheLoop("second") == 2)
            }
        }
    }

    /// Rows handed over with their commit go out as handed over: here they are not in the
    /// store at all, so only the handover can have sent them.
    @Test func committedRowsGoOutAsHandedOverWithoutAReadOfTheStore() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try directory.outbox()
        let link = RecordingLink()
        let stored = OutboxSignal()
        let forwarder = Forwarder(
            link: link, store: store, stored: stored, metrics: IngressMetrics(channelType: .custom), logger: Logger(label: "test"))
        let envelopes = (1...3).map { index in
            Envelope(id: MessageID(prefix: 7, counter: UInt64(index)), message: .submit(Submit(message: InboundMessage(
                channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: "h-\(index)", customerAddress: "u"))))
        }
        try await Self.whileRunning(forwarder) {
            stored.add(try envelopes.enumerated().map { offset, envelope in
                OutboxSignal.Committed(sequence: Int64(offset + 1), message: try WireCodec.encoded(envelope))
            })
            #expect(try await Self.eventually { link.sent == envelopes })
        }
    }

    /// A backlog the store holds and rows handed over after it: the store's rows first, then
    /// the handed-over ones, each once, in storage order.
    @Test func aBacklogGoesOutBeforeTheRowsHandedOverAfterIt() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let ids = MessageIDGenerator(prefix: 3)
        let store = try await Self.store(count: 5, in: directory, ids: ids)  // through a signal nobody reads
        let link = RecordingLink()
        let stored = OutboxSignal()
        let metrics = IngressMetrics(channelType: .custom)
        let recorder = InboundRecorder(store: store, ids: ids, metrics: metrics, stored: stored)
        for index in 5..<8 {
            _ = try await recorder.record([InboundMessage(
                channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: "m-\(index)", customerAddress: "u",
                text: "hello \(index)")])
        }
        #expect(stored.keptCount == 3)
        let forwarder = Forwarder(
            link: link, store: store, stored: stored, metrics: metrics, settings: .init(pageSize: 2), logger: Logger(label: "test"))
        try await Self.whileRunning(forwarder) {
            #expect(try await Self.eventually { link.sent.count == 8 })
            try await Task.sleep(for: .milliseconds(50))
        }
        let rows = try await store.allRows()
        #expect(link.sent.map(\.id.bytes) == rows.map(\.messageID), "every row once, in storage order")
        #expect(stored.keptCount == 0)
    }
}

