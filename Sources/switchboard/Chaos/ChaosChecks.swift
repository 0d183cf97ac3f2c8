/// The four properties `switchboard chaos` checks (docs/decisions.md), computed from the
/// evidence alone so they can be tested with hand-made records.
enum ChaosChecks {
    static func run(_ evidence: ChaosEvidence) -> ChaosFindings {
        var findings = ChaosFindings()
        findings.drained = evidence.drained
        checkWebhooks(evidence, &findings)
        checkActiveIntervals(evidence, &findings)
        checkOffers(evidence, &findings)
        checkReplies(evidence, &findings)
        return findings
    }

    // MARK: 1. no webhook lost or duplicated

    static func checkWebhooks(_ evidence: ChaosEvidence, _ findings: inout ChaosFindings) {
        let stores = evidence.stores
        var seenBy: [Int: Set<String>] = [:]  // number → conversations an agent saw it in
        var seenMessages = Set<String>()
        for record in evidence.agentRecords {
            guard case .message(let conversation, let sequence, let number) = record.event else { continue }
            if !seenMessages.insert("\(conversation)#\(sequence)").inserted { findings.redeliveredMessages += 1 }
            if let number { seenBy[number, default: []].insert(conversation) }
        }
        findings.webhooksAccepted = evidence.acceptedWebhooks.count
        findings.storedWithout2xx = evidence.failedWebhooks.subtracting(evidence.acceptedWebhooks)
            .filter { !(stores.journalConversations[$0] ?? []).isEmpty }.count
        for number in evidence.acceptedWebhooks.sorted() {
            let conversations = stores.journalConversations[number] ?? []
            guard let conversation = conversations.first else {
                if stores.outboxPending.contains(number) {
                    findings.undeliveredAtEnd += 1
                    findings.note("\(evidence.drained ? "" : "in flight, ")undelivered: webhook \(number) was still in its adapter's outbox at the end")
                } else {
                    findings.lost += 1
                    findings.note("lost: webhook \(number) was answered 2xx but is in neither its adapter's outbox nor the router's journal")
                }
                continue
            }
            let seen = seenBy[number] ?? []
            if conversations.count > 1 || seen.count > 1 || !seen.isSubset(of: [conversation]) {
                findings.duplicated += 1
                findings.note("duplicated: webhook \(number) is in journal conversations \(conversations.sorted()), reached agents in \(seen.sorted())")
                continue
            }
            var holders = stores.distributorConversations.compactMap { name, held in held[conversation].map { (name, $0) } }
            if holders.isEmpty { holders = purgedHolders(of: conversation, evidence) }
            guard let (holder, queued) = holders.first else {
                if stores.journalPending.contains(conversation) {
                    findings.undeliveredAtEnd += 1
                    findings.note("\(evidence.drained ? "" : "in flight, ")undelivered: webhook \(number) (conversation \(conversation)) was still pending in the router's journal for \(stores.journalQueue[conversation] ?? "?") at the end")
                } else {
                    findings.lost += 1
                    findings.note("lost: webhook \(number) (conversation \(conversation)) is in no distributor's queue")
                }
                continue
            }
            if holders.count > 1 {
                findings.duplicated += 1
                findings.note("duplicated: conversation \(conversation) of webhook \(number) is held by \(holders.map(\.0).sorted())")
                continue
            }
            let journalQueue = stores.journalQueue[conversation]
            if queued.queue != journalQueue || evidence.queueOwners[queued.queue] != holder {
                findings.lost += 1
                findings.note("lost: conversation \(conversation) of webhook \(number) is in \(holder)'s queue \(queued.queue), the journal says \(journalQueue ?? "none")")
                continue
            }
            if seen.isEmpty {
                if queued.state == "open" || queued.state == "waiting" {
                    findings.waitingAtEnd += 1
                } else {
                    findings.notReachedAgent += 1
                    findings.note("\(evidence.drained ? "" : "in flight, ")not reached: conversation \(conversation) of webhook \(number) is \(queued.state) but no agent received its message")
                }
            }
        }
    }

    /// The distributors that took `conversation` and purged its record once it left (only its
    /// deliveries are left, decisions §32), as closed there. A conversation moved between
    /// distributors has left deliveries in each: the one owning its journal queue is where it
    /// ended.
    static func purgedHolders(of conversation: String, _ evidence: ChaosEvidence) -> [(String, ChaosEvidence.QueuedConversation)] {
        let all = evidence.stores.distributorPurged.compactMap { name, purged in
            purged[conversation].map { (name, ChaosEvidence.QueuedConversation(queue: $0, state: "closed")) }
        }.sorted { $0.0 < $1.0 }
        let journalQueue = evidence.stores.journalQueue[conversation]
        let final = all.filter { $0.1.queue == journalQueue && evidence.queueOwners[$0.1.queue] == $0.0 }
        return final.count == 1 ? final : all
    }

    // MARK: 2. never Active for two agents at once

    static func checkActiveIntervals(_ evidence: ChaosEvidence, _ findings: inout ChaosFindings) {
        struct Interval { var agent: String; var start: UInt64; var end: UInt64 }
        var open: [String: [String: UInt64]] = [:]  // conversation → agent → Active since
        var intervals: [String: [Interval]] = [:]
        for record in evidence.agentRecords {
            switch record.event {
            case .active(let conversation):
                if open[conversation]?[record.agent] == nil { open[conversation, default: [:]][record.agent] = record.time }
            case .released(let conversation):
                if let start = open[conversation]?.removeValue(forKey: record.agent) {
                    intervals[conversation, default: []].append(Interval(agent: record.agent, start: start, end: record.time))
                }
            default:
                break
            }
        }
        for (conversation, agents) in open {
            for (agent, start) in agents { intervals[conversation, default: []].append(Interval(agent: agent, start: start, end: evidence.end)) }
        }
        for (conversation, list) in intervals.sorted(by: { $0.key < $1.key }) where list.count > 1 {
            let sorted = list.sorted { $0.start < $1.start }
            var overlap: (String, String)?
            var latest = sorted[0]
            for interval in sorted.dropFirst() {
                if interval.start < latest.end, interval.agent != latest.agent {
                    overlap = (latest.agent, interval.agent)
                    break
                }
                if interval.end > latest.end { latest = interval }
            }
            if let (first, second) = overlap {
                findings.doubleActive += 1
                findings.note("double Active: conversation \(conversation) was Active with \(first) and \(second) at once")
            }
        }
    }

    // MARK: 3. push within capacity and allowed presences

    /// Replays each agent's records. Capacity: presence's own `presence` frames must never show
    /// more used than the capacity after a grant (chaos uses push only), and the agent must never
    /// hold more conversations Active at once (from `offerReplied accepted` until it sent
    /// `wrapUp`) than its capacity. Offers received while offers and Active conversations
    /// already fill the capacity are counted for information: an offer may reach the agent late,
    /// after its reservation was given back or across a reconnect. Presence: a frame whose
    /// capacity used went up while the chosen presence is not allowed shows a push grant outside
    /// allowed presences (a violation). Offers the distributor made more than `presenceGraceMs`
    /// after presence applied such a presence are counted for information: their Grant may
    /// predate the change.
    static func checkOffers(_ evidence: ChaosEvidence, _ findings: inout ChaosFindings) {
        struct AgentView {
            var offered: [String: String] = [:]  // offer id → conversation, not yet answered
            var holding = Set<String>()  // conversations holding a unit (offered or Active)
            var active = Set<String>()
            var presence = "available"
            var presenceSinceMs: Int64 = 0
            /// Capacity used in presence's last `presence` frame on this connection.
            var used: Int?
        }
        var views: [String: AgentView] = [:]
        for record in evidence.agentRecords {
            var view = views[record.agent] ?? AgentView()
            switch record.event {
            case .connected(let presence, let standing):
                let standing = Set(standing)
                for (offerID, conversation) in view.offered where !standing.contains(conversation) {
                    view.offered[offerID] = nil
                    if !view.active.contains(conversation) { view.holding.remove(conversation) }
                }
                if let presence, presence != view.presence { (view.presence, view.presenceSinceMs) = (presence, record.wallMs) }
                view.used = nil
            case .presenceAcked(let presence, let used):
                if used > evidence.agentCapacity, let last = view.used, used > last {
                    findings.overCapacityOffers += 1
                    findings.note("over capacity: presence granted \(record.agent) capacity up to \(used) used of \(evidence.agentCapacity)")
                }
                if let last = view.used, used > last, !evidence.allowedPresences.contains(presence) {
                    findings.wrongPresenceOffers += 1
                    findings.note("wrong presence: presence granted \(record.agent) capacity (\(last) → \(used) used) while it was \(presence)")
                }
                view.used = used
                if presence != view.presence { (view.presence, view.presenceSinceMs) = (presence, record.wallMs) }
            case .presenceRequested(let presence):
                // Back to an allowed presence: offers may come from the request on, even before
                // the acknowledgement (presence may relay an offer before its `presence` frame).
                if evidence.allowedPresences.contains(presence) { (view.presence, view.presenceSinceMs) = (presence, record.wallMs) }
            case .offer(let offerID, let conversation, let grantedAtMs):
                findings.offers += 1
                view.offered[offerID] = conversation
                view.holding.insert(conversation)
                if view.holding.count > evidence.agentCapacity { findings.offersWhileFull += 1 }
                if !evidence.allowedPresences.contains(view.presence), let grantedAtMs, grantedAtMs > view.presenceSinceMs + evidence.presenceGraceMs {
                    findings.offersAfterPresenceChange += 1
                }
            case .offerWithdrawn(let offerID):
                if let conversation = view.offered.removeValue(forKey: offerID), !view.active.contains(conversation) {
                    view.holding.remove(conversation)
                }
            case .acceptRefused(let conversation):
                view.offered = view.offered.filter { $0.value != conversation }
                if !view.active.contains(conversation) { view.holding.remove(conversation) }
            case .active(let conversation):
                view.offered = view.offered.filter { $0.value != conversation }
                view.active.insert(conversation)
                view.holding.insert(conversation)
                if view.active.count > evidence.agentCapacity {
                    findings.overCapacityOffers += 1
                    findings.note("over capacity: \(record.agent) had \(view.active.count) conversations Active at once, capacity \(evidence.agentCapacity)")
                }
            case .released(let conversation):
                view.active.remove(conversation)
                view.holding.remove(conversation)
            case .disconnected:
                view.used = nil
            case .message:
                break
            }
            views[record.agent] = view
        }
    }

    // MARK: 4. every accepted reply reached the provider exactly once

    static func checkReplies(_ evidence: ChaosEvidence, _ findings: inout ChaosFindings) {
        findings.repliesSent = evidence.replies.count
        let accepted = Set(evidence.replies.filter { $0.accepted == true }.map(\.token))
        findings.repliesAccepted = accepted.count
        findings.providerPosts = evidence.posts.count
        var keys = Set<String>()
        var idsByToken: [String: Set<String>] = [:]
        var unkeyedPosts: [String: Int] = [:]
        for post in evidence.posts {
            if let key = post.idempotencyKey, !keys.insert(key).inserted { findings.providerRepeatedPosts += 1 }
            if !post.signatureValid { findings.badSignatures += 1 }
            guard let token = post.token else { continue }
            if let replyID = post.replyID {
                idsByToken[token, default: []].insert(replyID)
            } else {
                unkeyedPosts[token, default: 0] += 1
                idsByToken[token, default: []].insert("")
            }
        }
        findings.repliesResentWithoutKey = unkeyedPosts.values.filter { $0 > 1 }.count
        let badSignatures = findings.badSignatures
        if badSignatures > 0 { findings.note("bad signature: \(badSignatures) replies reached the provider unsigned or wrongly signed") }
        for token in accepted.sorted() {
            guard let ids = idsByToken[token] else {
                findings.repliesMissing += 1
                findings.note("\(evidence.drained ? "" : "in flight, ")reply missing: \(token) was accepted but never reached the provider")
                continue
            }
            findings.repliesDelivered += 1
            if ids.count > 1 {
                findings.repliesDuplicated += 1
                findings.note("reply duplicated: \(token) reached the provider under \(ids.count) reply ids")
            }
        }
        for (token, ids) in idsByToken where !accepted.contains(token) {
            findings.deliveredWithoutAccept += 1
            if ids.count > 1 {
                findings.repliesDuplicated += 1
                findings.note("reply duplicated: \(token) reached the provider under \(ids.count) reply ids")
            }
        }
    }
}
