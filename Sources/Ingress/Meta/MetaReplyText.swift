import Wire

/// The text Meta's send APIs get for an agent reply. Replies are sent as one text message
/// (one provider id, one outcome, no half-sent replies to retry): attachment URLs, which
/// Meta would send as separate messages, are appended as lines of the text.
enum MetaReplyText {
    static func text(of reply: AgentReply) -> String? {
        let lines = [reply.text] + reply.attachments.map(\.url)
        let text = lines.filter { !$0.isEmpty }.joined(separator: "\n")
        return text.isEmpty ? nil : text
    }
}
