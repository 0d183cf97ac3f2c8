import Messaging
import Storage
import SwitchboardCore
import Wire

/// A journal outcome on its way back to the loop that acks and forwards.
struct SubmitCompletion: Sendable {
    struct Pending: Sendable {
        let peer: PeerID
        let submitID: MessageID
        let workStream: String
        let routing: RoutingResult
    }

    let pending: Pending
    let outcome: Result<JournalInboundOutcome, StorageError>
}
