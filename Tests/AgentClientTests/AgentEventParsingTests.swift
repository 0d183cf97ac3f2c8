import Testing

@testable import AgentClient

/// A server frame's text → `AgentEvent` (agent.md section 2), read with JSONDecoder.
@Suite struct AgentEventParsingTests {
    @Test func welcomeCarriesTheAgentsStateAndItsStandingOffers() {
        let frame = #"""
            {"type":"welcome","agent":{"presence":"Busy-ish","basePresence":"busy","connected":true,"capacity":{"total":5,"used":2}},
             "offers":[{"offerId":"o-1","conversationId":"c-1","queue":"support","expiresAt":"2026-11-26T08:00:00.000Z"}],"extra":[1,2]}
            """#
        let state = AgentEvent.State(presence: "Busy-ish", basePresence: "busy", connected: true, capacityTotal: 5, capacityUsed: 2)
        let offer = AgentEvent.Offer(offerID: "o-1", conversationID: "c-1", queue: "support", expiresAt: "2026-11-26T08:00:00.000Z")
        #expect(AgentEvent(frame: frame) == .welcome(state: state, offers: [offer]))
    }

    @Test func eachFrameTypeReadsItsFields() {
        #expect(AgentEvent(frame: #"{"type":"offer","offerId":"o-2","conversationId":"c-2","queue":"sales"}"#)
            == .offer(AgentEvent.Offer(offerID: "o-2", conversationID: "c-2", queue: "sales")))
        #expect(AgentEvent(frame: #"{"type":"message","conversationId":"c-2","sequence":7,"text":"hi \"you\""}"#)
            == .message(AgentEvent.Message(conversationID: "c-2", sequence: 7, text: "hi \"you\"")))
        #expect(AgentEvent(frame: #"{"type":"offerReplied","conversationId":"c-2","outcome":"accepted","reason":null}"#)
            == .offerReplied(conversationID: "c-2", accepted: true, reason: ""))
        #expect(AgentEvent(frame: #"{"type":"workItems","queue":"q","items":[{"conversationId":"a"},{"conversationId":"b"}]}"#)
            == .workItems(queue: "q", conversationIDs: ["a", "b"]))
        #expect(AgentEvent(frame: #"{"type":"workItemAdded","item":{"queue":"q","conversationId":"c"}}"#)
            == .workItemAdded(queue: "q", conversationID: "c"))
        #expect(AgentEvent(frame: #"{"type":"actionResult","action":"close","conversationId":"c","outcome":"refused","refusal":"notHeld","conversationState":"Active"}"#)
            == .actionResult(action: "close", conversationID: "c", outcome: "refused", refusal: "notHeld", state: "Active"))
        #expect(AgentEvent(frame: #"{"type":"replyResult","conversationId":"c","clientMessageId":"m-1","outcome":"rejected","reason":"notHeld"}"#)
            == .replyResult(conversationID: "c", clientMessageID: "m-1", accepted: false, reason: "notHeld"))
        #expect(AgentEvent(frame: #"{"type":"somethingNew","x":1}"#) == .other(type: "somethingNew"))
    }

    @Test func anOfferReadsTheMessagesItCarries() {
        let frame = #"""
            {"type":"offer","offerId":"o-3","conversationId":"c-3","queue":"q","messages":[
             {"type":"message","conversationId":"c-3","sequence":1,"text":"hello"},
             {"type":"message","conversationId":"c-3","sequence":2,"text":"anyone?"},
             {"type":"message","text":"no conversation or sequence: skipped"}]}
            """#
        let messages = [
            AgentEvent.Message(conversationID: "c-3", sequence: 1, text: "hello"),
            AgentEvent.Message(conversationID: "c-3", sequence: 2, text: "anyone?"),
        ]
        #expect(AgentEvent(frame: frame) == .offer(AgentEvent.Offer(offerID: "o-3", conversationID: "c-3", queue: "q", messages: messages)))
        let welcome = #"{"type":"welcome","offers":[{"offerId":"o-3","conversationId":"c-3","queue":"q","messages":[{"conversationId":"c-3","sequence":1,"text":"hello"}]}]}"#
        #expect(AgentEvent(frame: welcome) == .welcome(state: nil, offers: [AgentEvent.Offer(offerID: "o-3", conversationID: "c-3", queue: "q", messages: [messages[0]])]))
    }

    @Test func anAcceptedOfferRepliedRepeatsTheCarriedMessagesForTheSessionToHandOn() {
        let accepted = #"{"type":"offerReplied","conversationId":"c-1","decision":"accept","outcome":"accepted","messages":[{"conversationId":"c-1","sequence":1,"text":"one"},{"conversationId":"c-1","sequence":2,"text":"two"}]}"#
        let decoded = AgentEvent.decode(frame: accepted)
        #expect(decoded.event == .offerReplied(conversationID: "c-1", accepted: true, reason: ""))
        #expect(decoded.carried.map(\.text) == ["one", "two"])
        #expect(decoded.carried.map(\.sequence) == [1, 2])
        // Refused, or an offer: nothing is the agent's yet.
        let refused = #"{"type":"offerReplied","conversationId":"c-1","outcome":"rejected","messages":[{"conversationId":"c-1","sequence":1,"text":"one"}]}"#
        #expect(AgentEvent.decode(frame: refused).carried.isEmpty)
        let offer = #"{"type":"offer","offerId":"o","conversationId":"c-1","queue":"q","messages":[{"conversationId":"c-1","sequence":1,"text":"one"}]}"#
        #expect(AgentEvent.decode(frame: offer).carried.isEmpty)
    }

    @Test func aFieldOfAnotherTypeReadsAsAbsentAndBrokenFramesAreErrors() {
        // Lenient per field, as with any unknown field: a number where a string goes is "".
        #expect(AgentEvent(frame: #"{"type":"offerWithdrawn","offerId":12,"reason":"expired"}"#)
            == .offerWithdrawn(offerID: "", reason: "expired"))
        #expect(AgentEvent(frame: #"{"type":"presence","agent":{"connected":true}}"#)
            == .error(code: "malformedFromServer", reason: #"{"type":"presence","agent":{"connected":true}}"#))
        #expect(AgentEvent(frame: "[1,2]") == .error(code: "malformedFromServer", reason: "[1,2]"))
        #expect(AgentEvent(frame: #"{"kind":"offer"}"#) == .error(code: "malformedFromServer", reason: #"{"kind":"offer"}"#))
    }

    @Test func framesTheClientWritesAreCompactJSON() {
        #expect(AgentFrame.encode(["type": "accept", "offerId": "o/1"]) == #"{"offerId":"o/1","type":"accept"}"#)
        #expect(AgentFrame.received(conversationID: "c-1", sequence: 3) == #"{"conversationId":"c-1","sequence":3,"type":"received"}"#)
    }
}
