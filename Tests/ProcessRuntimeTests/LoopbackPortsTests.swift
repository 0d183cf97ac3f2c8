import Foundation
import Testing

@testable import ProcessRuntime

@Suite struct LoopbackPortsTests {
    @Test func portsAreDistinctFreeAndBelowTheEphemeralRange() throws {
        let text = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let ephemeralStart = try #require(text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        let ports = try LoopbackPorts.allocate(20)
        #expect(Set(ports).count == 20)
        #expect(ports.allSatisfy { $0 >= 10_000 && $0 < ephemeralStart }, "\(ports)")
    }
}
