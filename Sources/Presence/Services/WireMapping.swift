import SwitchboardCore
import Wire

/// Conversions between the pure presence model and wire messages.
enum WireMapping {
    static func wire(_ base: SwitchboardCore.BasePresence) -> Wire.BasePresence {
        switch base {
        case .available: .available
        case .busy: .busy
        case .busyDnd: .busyDnd
        case .away: .away
        case .offline: .offline
        }
    }

    static func core(_ base: Wire.BasePresence) -> SwitchboardCore.BasePresence {
        switch base {
        case .available: .available
        case .busy: .busy
        case .busyDnd: .busyDnd
        case .away: .away
        case .offline: .offline
        }
    }

    static func core(_ reason: ReserveReason) -> CapacityReason {
        switch reason {
        case .push: .push
        case .pick: .pick
        case .selectFromPush: .selectFromPush
        case .affinity: .affinity
        }
    }

    static func agentState(_ agent: AgentPresence) -> AgentState {
        AgentState(
            agentID: agent.agentID, basePresence: wire(agent.basePresence), customPresence: agent.customPresence,
            capacityTotal: UInt32(clamping: agent.capacityTotal), capacityUsed: UInt32(clamping: agent.capacityUsed),
            connected: agent.connected, lastAssignmentAtMs: agent.lastAssignmentAtMs, updatedAtMs: agent.updatedAtMs)
    }

    static func denyReason(_ denial: CapacityDenial) -> (DenyReason, String) {
        switch denial {
        case .noCapacity(let free): (.noCapacity, "free capacity \(free)")
        case .presenceNotAllowed(let base): (.presenceNotAllowed, "base presence \(base.rawValue)")
        case .notConnected: (.presenceNotAllowed, "not connected")
        case .unknownAgent: (.unknownAgent, "unknown agent")
        }
    }
}
