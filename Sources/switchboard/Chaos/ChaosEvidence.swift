/// Everything `switchboard chaos` checks at the end, gathered from the agents' and the load
/// drivers' own records, the fake provider, and the processes' stores (read after they stopped).
/// Plain values, so the checks (`ChaosChecks`) are pure and testable on hand-made evidence.
struct ChaosEvidence: Sendable {
    /// One thing a simulated agent saw or did (times: `BenchClock` nanoseconds).
    struct AgentRecord: Sendable, Equatable, Codable {
        enum Event: Sendable, Equatable, Codable {
            /// `welcome`: presence's view of the agent's chosen presence, and the conversations
            /// of the offers to it still standing (others died with a presence restart).
            case connected(presence: String?, standingOffers: [String])
            case disconnected
            /// The agent asked for a presence (`setPresence`, or its next `hello`).
            case presenceRequested(String)
            /// A `presence` frame: the agent's chosen presence and capacity used as presence has them
            /// after a change (of the presence, or capacity taken or freed), in the order presence made them.
            case presenceAcked(String, capacityUsed: Int)
            /// `grantedAtMs`: when the distributor made the offer (its expiry less the queue's offer
            /// timeout), wall-clock milliseconds; nil when the offer carried no expiry.
            case offer(offerID: String, conversation: String, grantedAtMs: Int64?)
            case offerWithdrawn(offerID: String)
            /// `offerReplied` rejected: the accept did not make the conversation ours.
            case acceptRefused(conversation: String)
            /// `offerReplied` accepted: Active with this agent from now.
            case active(conversation: String)
            /// The agent sent `wrapUp` (or lost the conversation): no longer Active with it,
            /// and its capacity free, at the latest from now.
            case released(conversation: String)
            /// A customer message; `number` is the chaos conversation number in its text.
            case message(conversation: String, sequence: Int, number: Int?)
        }

        var agent: String
        var time: UInt64
        var event: Event
        /// The same moment on the wall clock (ms since 1970), to compare with times the processes sent.
        var wallMs: Int64

        init(agent: String, time: UInt64, event: Event, wallMs: Int64? = nil) {
            self.agent = agent
            self.time = time
            self.event = event
            self.wallMs = wallMs ?? Int64(time / 1_000_000)
        }
    }

    /// A `reply` an agent sent, with its outcome (`replyResult`), if one came.
    struct Reply: Sendable, Equatable {
        /// Unique per reply; it is in the reply's text, so the provider's side names it too.
        var token: String
        var accepted: Bool?
    }

    /// One POST the fake provider received.
    struct ProviderPost: Sendable, Equatable {
        /// The reply id and Idempotency-Key (custom channel); nil where the API has none (Twilio).
        var replyID: String?
        var idempotencyKey: String?
        /// The reply token found in the text; nil when the text holds none.
        var token: String?
        /// The custom channel's signature, or Twilio's Basic authorization, holds.
        var signatureValid: Bool
    }

    /// What the router's journal and the distributors' queue-state stores hold.
    struct Stores: Sendable, Equatable {
        /// Chaos conversation number → the journal conversations its provider message id is in.
        var journalConversations: [Int: [String]] = [:]
        /// Journal conversation → its queue.
        var journalQueue: [String: String] = [:]
        /// Conversations whose first delivery the router still had pending (not acknowledged by a distributor).
        var journalPending = Set<String>()
        /// Webhook numbers still pending in an adapter's outbox (answered, not yet taken by the router).
        var outboxPending = Set<Int>()
        /// Distributor name → conversation → (queue, state) in its queue-state store.
        var distributorConversations: [String: [String: QueuedConversation]] = [:]
        /// Distributor name → conversation → the queue of its first Deliver, for conversations
        /// it took whose record is purged (they left and the router confirmed it, decisions
        /// §32): only their deliveries are left.
        var distributorPurged: [String: [String: String]] = [:]
    }

    struct QueuedConversation: Sendable, Equatable {
        var queue: String
        var state: String
    }

    /// Whether everything arrived before the drain ended; if not, what had not yet arrived may be on its way.
    var drained = true
    var agentCapacity: Int
    var allowedPresences: Set<String>
    /// An offer counts as outside allowed presences only when the distributor made it more than
    /// this many milliseconds after presence applied the change.
    var presenceGraceMs: Int64
    var end: UInt64
    /// In the order they happened, per agent.
    var agentRecords: [AgentRecord]
    /// Webhooks (conversation numbers) that got a 2xx, and that never did.
    var acceptedWebhooks: Set<Int>
    var failedWebhooks: Set<Int>
    var stores: Stores
    /// Queue → the distributor that owns it.
    var queueOwners: [String: String]
    var replies: [Reply]
    var posts: [ProviderPost]
}
