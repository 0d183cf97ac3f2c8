import Testing
import Wire

@testable import Ingress

/// The rows a commit hands to the forwarder: taken only as a run that follows the forwarder's
/// cursor without a gap, in storage order, and never more than the signal's capacity.
@Suite struct OutboxSignalTests {
    static func rows(_ sequences: [Int64]) throws -> [OutboxSignal.Committed] {
        try sequences.map { sequence in
            let envelope = Envelope(
                id: MessageID(prefix: 1, counter: UInt64(sequence)),
                message: .heartbeat(Heartbeat(sender: "ingress", sentAtMs: sequence)))
            return OutboxSignal.Committed(sequence: sequence, message: try WireCodec.encoded(envelope))
        }
    }

    @Test func takesTheRunThatFollowsTheCursorUpToTheLimit() throws {
        let signal = OutboxSignal()
        signal.add(try Self.rows([4, 5, 6, 7]))
        #expect(signal.take(after: 3, limit: 2).map(\.sequence) == [4, 5])
        #expect(signal.take(after: 5, limit: 10).map(\.sequence) == [6, 7])
        #expect(signal.keptCount == 0)
    }

    @Test func rowsAtOrBeforeTheCursorAreDroppedAndAGapGivesNothing() throws {
        let signal = OutboxSignal()
        signal.add(try Self.rows([2, 3, 5, 6]))
        // The store gave the forwarder rows up to 3: 2 and 3 go, 4 is not here.
        #expect(signal.take(after: 3, limit: 10).isEmpty)
        #expect(signal.keptCount == 2)
        // The store gave it 4 as well: the run 5, 6 follows.
        #expect(signal.take(after: 4, limit: 10).map(\.sequence) == [5, 6])
    }

    @Test func rowsHandedOverOutOfOrderAreKeptInStorageOrder() throws {
        let signal = OutboxSignal()
        signal.add(try Self.rows([3]))
        signal.add(try Self.rows([1, 2]))
        #expect(signal.take(after: 0, limit: 10).map(\.sequence) == [1, 2, 3])
    }

    /// A fresh signal knows nothing of rows committed by an earlier run: the store is read
    /// until a read comes back short of its limit, and then no more.
    @Test func theStoreIsReadUntilAReadComesBackShort() {
        let signal = OutboxSignal()
        #expect(signal.mustReadStore())
        signal.storeRead(count: 200, limit: 200)
        #expect(signal.mustReadStore(), "a full page: there may be more")
        signal.storeRead(count: 3, limit: 200)
        #expect(!signal.mustReadStore())
        #expect(!signal.mustReadStore(), "asking again changes nothing")
    }

    /// Once caught up, rows handed over in order leave nothing in the store to read.
    @Test func rowsHandedOverInOrderNeedNoRead() throws {
        let signal = OutboxSignal()
        signal.storeRead(count: 0, limit: 200)
        signal.add(try Self.rows([1, 2]))
        #expect(signal.take(after: 0, limit: 10).map(\.sequence) == [1, 2])
        #expect(!signal.mustReadStore())
    }

    /// Rows the capacity kept out are in the store only: one read for them.
    @Test func rowsNotKeptSendTheForwarderToTheStore() throws {
        let signal = OutboxSignal(capacity: 2)
        signal.storeRead(count: 0, limit: 200)
        signal.add(try Self.rows([1, 2, 3]))
        #expect(signal.take(after: 0, limit: 10).map(\.sequence) == [1, 2])
        #expect(signal.mustReadStore())
        signal.storeRead(count: 1, limit: 200)  // row 3
        #expect(!signal.mustReadStore())
    }

    /// A read the forwarder was sent to and did not report (the store failed) is asked for
    /// again: the rows it was for are still only in the store.
    @Test func aReadThatFailedIsAskedForAgain() throws {
        let signal = OutboxSignal(capacity: 1)
        signal.storeRead(count: 0, limit: 200)
        signal.add(try Self.rows([1, 2]))
        #expect(signal.take(after: 0, limit: 10).map(\.sequence) == [1])
        #expect(signal.mustReadStore())
        #expect(signal.mustReadStore(), "no read came back: row 2 is still to read")
        signal.storeRead(count: 1, limit: 200)
        #expect(!signal.mustReadStore())
    }

    /// Kept rows that do not follow the cursor: the rows between were committed and are in
    /// the store.
    @Test func aGapSendsTheForwarderToTheStore() throws {
        let signal = OutboxSignal()
        signal.storeRead(count: 0, limit: 200)
        signal.add(try Self.rows([5, 6]))
        #expect(signal.take(after: 3, limit: 10).isEmpty)
        #expect(signal.mustReadStore())
    }

    @Test func nothingBeyondTheCapacityIsKept() throws {
        let signal = OutboxSignal(capacity: 3)
        signal.add(try Self.rows([1, 2]))
        signal.add(try Self.rows([3, 4, 5]))
        #expect(signal.keptCount == 3)
        #expect(signal.take(after: 0, limit: 10).map(\.sequence) == [1, 2, 3])
    }
}
