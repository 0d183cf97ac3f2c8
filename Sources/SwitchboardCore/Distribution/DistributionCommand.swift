/// Something an agent asks of a conversation (wire AgentAction, authenticated by presence).
/// Unlike an event it can be refused: `DistributionCore.apply` answers with an error that
/// says why (D2 "already taken", D5 moves naming both states, G5 not yours).
public struct DistributionCommand: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// D2/D3: take an open work item (Open, or Waiting with the customer back → Active).
        case pick
        /// The agent ends the conversation: Active → WrapUp.
        case wrapUp
        /// The agent puts it on hold: Active → Waiting.
        case hold
        /// The agent gives it back to its queue: Active → Open.
        case release
        /// The agent writes to a conversation they left Waiting: Waiting → Active.
        case resume
        /// The agent closes it after wrap-up: WrapUp → Closed.
        case close
        /// D8: Active → Open in that queue (this distributor's, or another's).
        case transferToQueue(String)
        /// D8: offered to that agent; theirs once they accept.
        case transferToAgent(String)
    }

    public var agentID: String
    public var conversationID: String
    public var kind: Kind
    /// The command's answer carries the reservations it gives back (presence applies them
    /// from there, decisions §58): the step lists them in `answeredReleases` instead of
    /// `release` actions, and nobody waits for their acknowledgement.
    public var releasesInAnswer: Bool

    public init(agentID: String, conversationID: String, kind: Kind, releasesInAnswer: Bool = false) {
        self.agentID = agentID
        self.conversationID = conversationID
        self.kind = kind
        self.releasesInAnswer = releasesInAnswer
    }
}
