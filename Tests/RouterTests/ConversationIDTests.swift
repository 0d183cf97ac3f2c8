import Foundation
import Testing

@testable import Router

/// New conversation ids are random version 4 UUIDs in lower case, as before.
@Suite struct ConversationIDTests {
    @Test func anIDIsALowerCaseVersion4UUIDAndIDsDiffer() throws {
        let ids = (0..<1_000).map { _ in ConversationID.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let uuid = try #require(UUID(uuidString: id), "\(id) is a UUID")
            #expect(id == uuid.uuidString.lowercased())
            let characters = Array(id)
            #expect(characters[14] == "4", "version 4: \(id)")
            #expect("89ab".contains(characters[19]), "variant 1: \(id)")
        }
    }
}
