import Messaging
import Synchronization
import SwitchboardTestSupport
import Testing

/// The bounded buffer between a link's receive loop and its owner (decisions §44).
@Suite struct InboxTests {
    @Test func elementsBelowCapacityAreBufferedWithoutWaitingAndComeOutInOrder() async throws {
        let inbox = Inbox<Int>(capacity: 8)
        // No consumer yet: with a rendezvous channel the first send would never return.
        try await withTimeout(.seconds(5), "sends below capacity") {
            for value in 1...7 { await inbox.send(value) }
        }
        #expect(inbox.bufferedCount == 7)
        var taken: [Int] = []
        for await value in inbox {
            taken.append(value)
            if taken.count == 7 { break }
        }
        #expect(taken == Array(1...7))
    }

    @Test func theProducerWaitsAtCapacityUntilTheConsumerTakesOne() async throws {
        let inbox = Inbox<Int>(capacity: 2)
        await inbox.send(1)
        let returned = Atomic<Bool>(false)
        let producer = Task {
            await inbox.send(2)  // fills the inbox: waits for room
            returned.store(true, ordering: .relaxed)
        }
        try await Task.sleep(for: .milliseconds(100))
        let returnedEarly = returned.load(ordering: .relaxed)
        #expect(!returnedEarly)
        var iterator = inbox.makeAsyncIterator()
        #expect(await iterator.next() == 1)
        try await withTimeout(.seconds(5), "producer let go") { await producer.value }
        let returnedAfterTake = returned.load(ordering: .relaxed)
        #expect(returnedAfterTake)
        #expect(await iterator.next() == 2)
    }

    @Test func aWaitingProducerGoesOnOnlyOnceHalfTheInboxIsFree() async throws {
        let inbox = Inbox<Int>(capacity: 8)
        for value in 1...7 { await inbox.send(value) }
        let returned = Atomic<Bool>(false)
        let producer = Task {
            await inbox.send(8)  // the eighth fills the inbox: waits for room
            returned.store(true, ordering: .relaxed)
        }
        var iterator = inbox.makeAsyncIterator()
        try await Task.sleep(for: .milliseconds(50))
        for expected in 1...3 { #expect(await iterator.next() == expected) }
        try await Task.sleep(for: .milliseconds(100))
        // Five still buffered: more than half full, so one resumption would refill one place.
        let returnedAtFive = returned.load(ordering: .relaxed)
        #expect(!returnedAtFive)
        #expect(await iterator.next() == 4)
        try await withTimeout(.seconds(5), "producer let go at half") { await producer.value }
        for expected in 5...8 { #expect(await iterator.next() == expected) }
    }

    @Test func aWaitingConsumerGetsTheElementStraightAway() async throws {
        let inbox = Inbox<String>()
        let consumer = try await waitingConsumer(of: inbox)
        await inbox.send("hello")
        #expect(try await withTimeout(.seconds(5), "consumer") { await consumer.value } == "hello")
        #expect(inbox.bufferedCount == 0)
    }

    @Test func aCancelledConsumerGetsNilAndTheNextElementGoesToTheNextConsumer() async throws {
        let inbox = Inbox<Int>()
        let cancelled = try await waitingConsumer(of: inbox)
        cancelled.cancel()
        #expect(try await withTimeout(.seconds(5), "cancelled consumer") { await cancelled.value } == nil)
        await inbox.send(42)
        var iterator = inbox.makeAsyncIterator()
        #expect(await iterator.next() == 42)
    }

    @Test func finishEndsAfterWhatIsBufferedDropsLaterSendsAndLetsAWaitingProducerGo() async throws {
        let inbox = Inbox<Int>(capacity: 2)
        await inbox.send(1)
        let producer = Task { await inbox.send(2) }
        try await Task.sleep(for: .milliseconds(50))
        inbox.finish()
        try await withTimeout(.seconds(5), "producer let go by finish") { await producer.value }
        await inbox.send(3)  // dropped
        var taken: [Int] = []
        for await value in inbox { taken.append(value) }
        #expect(taken == [1, 2])
    }

    @Test func finishEndsAWaitingConsumer() async throws {
        let inbox = Inbox<Int>()
        let consumer = try await waitingConsumer(of: inbox)
        inbox.finish()
        #expect(try await withTimeout(.seconds(5), "consumer ended") { await consumer.value } == nil)
    }

    /// A task waiting for the inbox's next element, given 50 ms to start waiting (the inbox
    /// has nothing for it yet when the test goes on).
    private func waitingConsumer<Element: Sendable>(of inbox: Inbox<Element>) async throws -> Task<Element?, Never> {
        let consumer = Task {
            var iterator = inbox.makeAsyncIterator()
            return await iterator.next()
        }
        try await Task.sleep(for: .milliseconds(50))
        return consumer
    }
}
