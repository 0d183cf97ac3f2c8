import Testing
import Wire

@Suite("Message ids")
struct MessageIDTests {
    @Test("layout: 8 bytes prefix then 8 bytes counter, big-endian")
    func layout() {
        let id = MessageID(prefix: 0x0102_0304_0506_0708, counter: 0x1112_1314_1516_1718)
        #expect(id.bytes == [1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18])
        #expect(MessageID(bytes: id.bytes) == id)
        #expect(id.description == "01020304050607081112131415161718")
        #expect(MessageID(hex: id.description) == id)
        #expect(MessageID(hex: "01020304050607081112131415161718".uppercased()) == id)
    }

    @Test("wrong lengths and bad hex give nil")
    func invalid() {
        #expect(MessageID(bytes: [UInt8](repeating: 0, count: 15)) == nil)
        #expect(MessageID(bytes: [UInt8](repeating: 0, count: 17)) == nil)
        #expect(MessageID(bytes: []) == nil)
        #expect(MessageID(hex: "0102") == nil)
        #expect(MessageID(hex: String(repeating: "g", count: 32)) == nil)
        #expect(MessageID(hex: String(repeating: "é", count: 16)) == nil)
    }

    @Test("a generator counts up from 1 under its prefix")
    func generatorSequence() {
        let generator = MessageIDGenerator(prefix: 42)
        #expect(generator.next() == MessageID(prefix: 42, counter: 1))
        #expect(generator.next() == MessageID(prefix: 42, counter: 2))
        let resumed = MessageIDGenerator(prefix: 42, lastCounter: 100)
        #expect(resumed.next() == MessageID(prefix: 42, counter: 101))
        #expect(MessageIDGenerator().prefix != MessageIDGenerator().prefix)
    }

    @Test("ids are unique across concurrent tasks sharing a generator and across generators")
    func concurrentUniqueness() async {
        let shared = MessageIDGenerator()
        let tasks = 8
        let perTask = 10_000
        let ids = await withTaskGroup(of: [MessageID].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    // Half the tasks share one generator, half have their own.
                    let generator = task.isMultiple(of: 2) ? shared : MessageIDGenerator()
                    var ids = [MessageID]()
                    ids.reserveCapacity(perTask)
                    for _ in 0..<perTask { ids.append(generator.next()) }
                    return ids
                }
            }
            var all = [MessageID]()
            for await batch in group { all += batch }
            return all
        }
        #expect(ids.count == tasks * perTask)
        #expect(Set(ids).count == ids.count)
        let sharedCounters = ids.filter { $0.prefix == shared.prefix }.map(\.counter).sorted()
        #expect(sharedCounters == Array(1...UInt64(tasks / 2 * perTask)))
    }
}
