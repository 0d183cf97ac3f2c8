import Testing
import Wire

/// AgentUpdateBatch (wire.md 5.5, decisions §56): what a reader accepts, since a subscriber
/// trusts the range it claims to cover.
@Suite("AgentUpdateBatch")
struct AgentUpdateBatchTests {
    func update(_ sequence: UInt64, _ agentID: String = "ada") -> AgentUpdate {
        AgentUpdate(sequence: sequence, agent: AgentState(agentID: agentID, basePresence: .available, capacityTotal: 3))
    }

    func decodeError(_ batch: AgentUpdateBatch) throws -> WireError.Code? {
        let frames = try WireCodec.encode(Envelope(id: Fixtures.idA, message: .agentUpdateBatch(batch)))
        do {
            _ = try WireCodec.decode(frames: frames)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a batch covers its first sequence up to its last update's")
    func coveredRange() throws {
        let batch = AgentUpdateBatch(firstSequence: 4, updates: [update(5, "grace"), update(7)])
        #expect(batch.lastSequence == 7)
        #expect(try decodeError(batch) == nil)
    }

    @Test("no first sequence, or no updates, is missingRequiredField")
    func missingFields() throws {
        #expect(try decodeError(AgentUpdateBatch(firstSequence: 0, updates: [update(1)])) == .missingRequiredField)
        #expect(try decodeError(AgentUpdateBatch(firstSequence: 3, updates: [])) == .missingRequiredField)
    }

    @Test("sequences below the first, repeated or going back are invalidFieldValue")
    func sequencesOutOfOrder() throws {
        #expect(try decodeError(AgentUpdateBatch(firstSequence: 5, updates: [update(4)])) == .invalidFieldValue)
        #expect(try decodeError(AgentUpdateBatch(firstSequence: 5, updates: [update(6), update(6, "grace")])) == .invalidFieldValue)
        #expect(try decodeError(AgentUpdateBatch(firstSequence: 5, updates: [update(8), update(7, "grace")])) == .invalidFieldValue)
    }
}
