import Testing
import Wire

@testable import Distributor

/// An action's key is stored with its answer (decisions §34), so a resend after a restart finds
/// the answer a run before stored: the key's text must stay what it was when the kind was
/// written with `String(describing:)`, now that the common kinds are spelled out.
@Suite struct ActionKeyTests {
    @Test(arguments: [
        AgentAction.Kind.pick, .release, .hold, .wrapUp, .close,
        .transferToQueue("billing"), .transferToAgent("grace"), .transferToQueue("q \"quoted\" € \u{1F}"),
    ])
    func theKeyIsWhatEarlierRunsStored(_ kind: AgentAction.Kind) {
        let action = AgentAction(actionID: "x-1", agentID: "ada", conversationID: "c1", kind: kind, queue: "vip")
        let written = ["ada", "x-1", "c1", String(describing: kind)].joined(separator: "\u{1F}")
        #expect(Distributor.actionKey(action) == written)
    }
}
