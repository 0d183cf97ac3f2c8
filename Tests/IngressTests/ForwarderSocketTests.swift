import Foundation
import Logging
import Messaging
import Storage
import SwitchboardTestSupport
import Testing
import Wire
import ZeroMQ

@testable import Ingress

/// The forwarder over a real DEALER link against a ROUTER socket the test binds and plays
/// the router with: submit, ack, resend with the same id, restart on the same data dir.
@Suite(.timeLimit(.minutes(1))) struct ForwarderSocketTests {
    /// Short timeouts so resends happen within the test.
    // The fake router sends no heartbeats: the link counts it dead after 3 silent intervals,
    // so the interval leaves room for a loaded machine (the suite runs beside fuzzers).
    static let settings = LinkSettings(
        heartbeatInterval: .seconds(1),
        resend: .init(acknowledgementTimeout: .milliseconds(500), maximumTimeout: .seconds(1)))

    /// The test's router: a bound ROUTER socket, decoding what arrives and answering.
    struct FakeRouter {
        let socket: AsyncSocket
        let endpoint: String

        static func bind(on loop: ZeroMQEventLoop) async throws -> FakeRouter {
            let socket = try await loop.makeSocket(.router) {
                try $0.setRouterMandatory(true)
                // As the router's link does: a restarted forwarder's connection takes over its
                // routing id at once. Without it, a slow teardown of the old connection (a
                // loaded machine) refused the new one, and this fake, which sends no
                // heartbeats, was counted dead before the resend got through.
                try $0.setRouterHandover(true)
                try $0.bind("tcp://127.0.0.1:*")
            }
            return FakeRouter(socket: socket, endpoint: try await socket.lastEndpoint())
        }

        /// The next Submit (heartbeats and other control messages skipped), with its sender.
        func nextSubmit(within limit: Duration = .seconds(5)) async throws -> (peer: [UInt8], envelope: Envelope) {
            let deadline = ContinuousClock.now + limit
            var iterator = socket.messages.makeAsyncIterator()
            while ContinuousClock.now < deadline {
                guard let message = try await iterator.next() else { break }
                let frames = message.frames
                guard frames.count == 5, let envelope = try? WireCodec.decode(frames: frames.dropFirst()) else { continue }
                if case .submit = envelope.message { return (frames[0], envelope) }
            }
            throw TestFailure("no Submit within \(limit)")
        }

        func ack(_ id: MessageID, to peer: [UInt8], conversation: String = "c-1") async throws {
            let answer = Envelope(
                id: MessageID(prefix: 0xfeed, counter: id.counter),
                message: .submitAck(SubmitAck(ackedID: id, outcome: .accepted, conversationID: conversation)))
            try await socket.send(Multipart([peer] + WireCodec.encode(answer)))
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func submit(_ provider: String) -> InboundMessage {
        InboundMessage(channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: provider, customerAddress: "u", text: provider)
    }

    static func eventually(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Runs a forwarder over a fresh DEALER link until `body` returns, then stops it.
    static func withForwarder<T: Sendable>(
        store: OutboxStore, endpoint: String, loop: ZeroMQEventLoop, ids: MessageIDGenerator,
        _ body: @Sendable (InboundRecorder) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "test")
        let link = DealerLink(name: "router", identity: "ingress-custom", connectTo: endpoint, loop: loop, ids: ids, settings: settings, logger: logger)
        let stored = OutboxSignal()
        let metrics = IngressMetrics(channelType: .custom)
        let forwarder = Forwarder(link: link, store: store, stored: stored, metrics: metrics, logger: logger)
        let recorder = InboundRecorder(store: store, ids: ids, metrics: metrics, stored: stored)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await forwarder.run() }
            let result = try await body(recorder)
            group.cancelAll()
            try await group.waitForAll()
            return result
        }
    }

    @Test func submitsMarksAckedResendsTheUnackedWithTheSameIDAndResumesAfterARestart() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context, name: "forwarder-test")
        let router = try await FakeRouter.bind(on: loop)
        let store = try directory.outbox()

        let unackedID = try await Self.withForwarder(store: store, endpoint: router.endpoint, loop: loop, ids: MessageIDGenerator()) { recorder in
            _ = try await recorder.record([Self.submit("a")])
            _ = try await recorder.record([Self.submit("b")])
            let first = try await router.nextSubmit()
            // A starved run may resend "a" before "b" goes out: that copy is not "b".
            var second = try await router.nextSubmit()
            while second.envelope.id == first.envelope.id { second = try await router.nextSubmit() }
            try await router.ack(first.envelope.id, to: first.peer)
            #expect(try await Self.eventually { try await store.pendingCount() == 1 })
            // "b" is not acked: it comes again with the same id after the resend timeout ("a"
            // may come again too if its ack was slower than its resend; that is allowed).
            var resent = try await router.nextSubmit()
            while resent.envelope.id == first.envelope.id { resent = try await router.nextSubmit() }
            #expect(resent.envelope.id == second.envelope.id)
            #expect(resent.envelope == second.envelope)
            return second.envelope.id
        }
        let rows = try await store.allRows()
        #expect(rows.map(\.state) == [.acked, .pending])
        #expect(rows[0].conversationID == "c-1")

        // A new forwarder (a restarted process: new link, new id generator) on the same store.
        let reopened = try directory.outbox()
        try await Self.withForwarder(store: reopened, endpoint: router.endpoint, loop: loop, ids: MessageIDGenerator()) { _ in
            let again = try await router.nextSubmit()
            #expect(again.envelope.id == unackedID)
            try await router.ack(again.envelope.id, to: again.peer, conversation: "c-2")
            #expect(try await Self.eventually { try await reopened.pendingCount() == 0 })
        }
        #expect(try await reopened.allRows().map(\.conversationID) == ["c-1", "c-2"])

        await router.socket.close()
        await loop.shutdown()
        try? context.shutdown()
    }

    @Test func acceptsIntoTheOutboxWhileTheRouterIsDownAndForwardsWhenItComes() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context, name: "forwarder-test")
        let store = try directory.outbox()
        // A free port nobody listens on yet (outside the ephemeral range: the forwarder's
        // reconnects cannot take it by connecting to themselves).
        let endpoint = try FreePorts.endpoint()

        try await Self.withForwarder(store: store, endpoint: endpoint, loop: loop, ids: MessageIDGenerator()) { recorder in
            let stored = try await recorder.record([Self.submit("early")])
            #expect(try await store.pendingCount() == 1)
            let router = try await loop.makeSocket(.router) {
                try $0.setRouterMandatory(true)
                try $0.bind(endpoint)
            }
            let fake = FakeRouter(socket: router, endpoint: endpoint)
            let arrived = try await fake.nextSubmit(within: .seconds(10))
            #expect(arrived.envelope.id == stored[0].messageID)
            try await fake.ack(arrived.envelope.id, to: arrived.peer)
            #expect(try await Self.eventually { try await store.pendingCount() == 0 })
            await router.close()
        }
        await loop.shutdown()
        try? context.shutdown()
    }
}
