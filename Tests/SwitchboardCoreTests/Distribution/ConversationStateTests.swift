import Testing
@testable import SwitchboardCore

@Suite struct ConversationStateTests {
    static let allowed: Set<[ConversationState]> = [
        [.open, .active], [.open, .closed], [.active, .wrapUp], [.active, .waiting], [.active, .open],
        [.waiting, .active], [.waiting, .closed], [.wrapUp, .closed],
    ]

    @Test(arguments: ConversationState.allCases, ConversationState.allCases)
    func exactlyTheMovesOfD5(from: ConversationState, to: ConversationState) {
        if Self.allowed.contains([from, to]) {
            #expect((try? from.moving(to: to)) == to)
        } else {
            let error = #expect(throws: DistributionError.self) { try from.moving(to: to) }
            #expect(error?.code == .invalidTransition)
            #expect(error?.message.contains(from.description) == true)
            #expect(error?.message.contains(to.description) == true)
        }
    }

    @Test func closedIsFinal() {
        #expect(ConversationState.closed.allowedNextStates.isEmpty)
    }
}
