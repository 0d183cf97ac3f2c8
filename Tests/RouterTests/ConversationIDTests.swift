import Foundation
import Testing

@testable import Router

/// New conversation ids are time-ordered (version 7) UUIDs in lower case (decisions §61).
@Suite struct ConversationIDTests {
    @Test func anIDIsALowerCaseVersion7UUIDAndIDsDiffer() throws {
        let ids = (0..<1_000).map { _ in ConversationID.make(nowMs: RouterService.nowMs()) }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let uuid = try #require(UUID(uuidString: id), "\(id) is a UUID")
            #expect(id == uuid.uuidString.lowercased())
            let characters = Array(id)
            #expect(characters[14] == "7", "version 7: \(id)")
            #expect("89ab".contains(characters[19]), "variant 1: \(id)")
        }
    }

    /// The stores' b-trees get each commit's new rows side by side only if later ids sort
    /// after earlier ones: the first 48 bits are the time in milliseconds, big-endian.
    @Test func idsSortInTheOrderOfTheirMilliseconds() throws {
        let nowMs: Int64 = 1_795_910_400_123  // 2026-11-29T00:00:00.123Z
        let id = ConversationID.make(nowMs: nowMs)
        let hex = id.replacingOccurrences(of: "-", with: "")
        #expect(Int64(hex.prefix(12), radix: 16) == nowMs)
        let times: [Int64] = [nowMs, nowMs + 1, nowMs + 255, nowMs + 256, nowMs + 65_536, nowMs + 86_400_000]
        let ids = times.map { ConversationID.make(nowMs: $0) }
        #expect(ids.sorted() == ids, "\(ids)")
    }
}
