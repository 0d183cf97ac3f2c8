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
            #expect {
                try from.moving(to: to)
            } throws: { error in
                guard let error = error as? DistributionError else { return false }
                return error.code == .invalidTransition
                    && error.message.contains(from.description) && error.message.contains(to.description)
            }
        }
    }

    @Test func closedIsFinal() {
        #expect(ConversationState.closed.allowedNextStates.isEmpty)
    }
}
