import ProcessRuntime
import SwitchboardCore
import Testing

@testable import Distributor

/// The distributor's `/status` queues: Open conversations wait, the oldest one's age.
@Suite struct DistributorStatusReportTests {
    static func record(_ id: String, _ queue: String, _ state: ConversationState, arrivedAtMs: Int64) -> ConversationRecord {
        ConversationRecord(id: id, queue: queue, workStream: "retail-app", state: state, arrivedAtMs: arrivedAtMs, arrivalIndex: 0)
    }

    @Test func openConversationsWaitAndTheOldestAgeIsMeasuredFromArrival() {
        let conversations = [
            Self.record("c1", "billing", .open, arrivedAtMs: 10_000),
            Self.record("c2", "billing", .open, arrivedAtMs: 4_000),
            Self.record("c3", "billing", .active, arrivedAtMs: 1_000),
            Self.record("c4", "billing", .wrapUp, arrivedAtMs: 1_000),
            Self.record("c5", "support", .closed, arrivedAtMs: 1_000),
            Self.record("c6", "support", .waiting, arrivedAtMs: 1_000),
            Self.record("c7", "elsewhere", .open, arrivedAtMs: 1_000),
        ]
        let report = OperatorStatus.DistributorQueue.report(queues: ["billing", "support"], conversations: conversations, nowMs: 64_000)
        #expect(report == [
            OperatorStatus.DistributorQueue(name: "billing", waiting: 2, oldestWaitMs: 60_000, active: 1),
            OperatorStatus.DistributorQueue(name: "support", waiting: 0, oldestWaitMs: nil, active: 0),
        ])
    }

    @Test func aClockBehindTheArrivalGivesAZeroAgeNotANegativeOne() {
        let report = OperatorStatus.DistributorQueue.report(
            queues: ["billing"], conversations: [Self.record("c1", "billing", .open, arrivedAtMs: 10_000)], nowMs: 9_000)
        #expect(report.first?.oldestWaitMs == 0)
    }
}
