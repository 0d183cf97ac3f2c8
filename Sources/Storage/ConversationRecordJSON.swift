import JSONText
import SwitchboardCore

/// A `ConversationRecord` as the queue state store keeps it: the JSON `JSONEncoder` would
/// write (Codable's synthesized keys, nil members left out), written by hand because every
/// step of a distributor writes a record and `JSONEncoder` was about 8 % of a distributor's
/// CPU (decisions §26). A restart reads it back with `JSONDecoder`, as it reads records
/// stored before.
enum ConversationRecordJSON {
    static func encode(_ record: ConversationRecord) -> [UInt8] {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.key("id")
        json.string(record.id)
        json.key("queue")
        json.string(record.queue)
        json.key("workStream")
        json.string(record.workStream)
        json.key("state")
        json.string(record.state.rawValue)
        json.key("arrivedAtMs")
        json.integer(record.arrivedAtMs)
        json.key("arrivalIndex")
        json.integer(record.arrivalIndex)
        if let agentID = record.agentID {
            json.key("agentID")
            json.string(agentID)
        }
        if let held = record.held {
            json.key("held")
            write(held, into: &json)
        }
        if let pending = record.pending {
            json.key("pending")
            write(pending, into: &json)
        }
        json.key("declines")
        json.beginObject()
        for agent in record.declines.keys.sorted() {
            json.key(agent)
            json.integer(record.declines[agent] ?? 0)
        }
        json.endObject()
        json.key("attempts")
        json.integer(record.attempts)
        json.key("needsAgent")
        json.bool(record.needsAgent)
        if let autoCloseAtMs = record.autoCloseAtMs {
            json.key("autoCloseAtMs")
            json.integer(autoCloseAtMs)
        }
        if let capacityReleaseAtMs = record.capacityReleaseAtMs {
            json.key("capacityReleaseAtMs")
            json.integer(capacityReleaseAtMs)
        }
        json.key("releasing")
        json.beginArray()
        for reservation in record.releasing { write(reservation, into: &json) }
        json.endArray()
        json.key("receivedThrough")
        json.integer(record.receivedThrough)
        json.key("receivedAhead")
        json.beginArray()
        for sequence in record.receivedAhead { json.integer(sequence) }
        json.endArray()
        json.key("forwardedThrough")
        json.integer(record.forwardedThrough)
        json.key("acknowledgedThrough")
        json.integer(record.acknowledgedThrough)
        if let carriedThrough = record.carriedThrough {
            json.key("carriedThrough")
            json.integer(Int64(clamping: carriedThrough))
        }
        json.endObject()
        return json.bytes
    }

    private static func write(_ reservation: Reservation, into json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.string(reservation.id)
        json.key("agentID")
        json.string(reservation.agentID)
        json.key("units")
        json.integer(reservation.units)
        json.key("reason")
        json.string(reservation.reason.rawValue)
        if let grantSequence = reservation.grantSequence {
            json.key("grantSequence")
            json.integer(grantSequence)
        }
        json.endObject()
    }

    private static func write(_ offer: PendingOffer, into json: inout JSONWriter) {
        json.beginObject()
        json.key("offerID")
        json.string(offer.offerID)
        json.key("reservation")
        write(offer.reservation, into: &json)
        json.key("stage")
        json.string(offer.stage.rawValue)
        json.key("kind")
        json.string(offer.kind.rawValue)
        if let expiresAtMs = offer.expiresAtMs {
            json.key("expiresAtMs")
            json.integer(expiresAtMs)
        }
        if let messagesThrough = offer.messagesThrough {
            json.key("messagesThrough")
            json.integer(Int64(clamping: messagesThrough))
        }
        json.endObject()
    }
}
