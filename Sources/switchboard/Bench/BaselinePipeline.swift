import Foundation
import Histogram
import Logging
import ProcessRuntime
import SwitchboardCore
import Synchronization
import ZeroMQ

/// The same-run baseline: the path a conversation takes through Switchboard (ingress →
/// router → distributor → presence → agent), as four `bench-node` processes doing only what
/// any such pipeline must (receive, durable group-committed write, ack, forward), with
/// frames the size of a Submit. The bench is the source and the sink (the "agent").
struct BaselinePipeline: Sendable {
    static let roles = ["ingress", "router", "distributor", "presence"]

    let dataDirectory: String
    let payloadBytes: Int
    /// The same policy as the system's processes, so the two are compared like for like.
    let cpuScheduling: CPUScheduling
    let logger: Logger
    let say: @Sendable (String) -> Void
    let stopped: @Sendable () -> Bool

    private final class Flow: Sendable {
        let sendTimes = Mutex<[Int: UInt64]>([:])
        let arrivals = Mutex<[Int: UInt64]>([:])
        let next = Atomic<Int>(0)
        let sentCount = Atomic<Int>(0)
        let arrivedCount = Atomic<Int>(0)
        /// Signalled on every arrival: the pacer waits on it for room under the bound.
        let room = RoomSignal()
        var inFlight: Int { sentCount.load(ordering: .relaxed) - arrivedCount.load(ordering: .relaxed) }
    }

    func run(warmup: Duration, duration: Duration, maxInFlight: Int) async throws(BenchError) -> BenchReport.Baseline {
        let ports = try LoopbackPorts.forBench(Self.roles.count + 1)
        let endpoints = ports.map { "tcp://127.0.0.1:\($0)" }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let children = Self.roles.enumerated().map { index, role in
            ChildProcess(
                name: "bench-node-\(role)", executable: executable,
                arguments: [
                    "bench-node", "--role", role, "--listen", endpoints[index], "--next", endpoints[index + 1], "--data-dir", dataDirectory,
                    "--cpu-scheduling", cpuScheduling.rawValue,
                ])
        }
        let context: ZeroMQContext
        let loop: ZeroMQEventLoop
        let source: AsyncSocket
        let sink: AsyncSocket
        do {
            context = try ZeroMQContext()
            loop = try ZeroMQEventLoop(context: context, name: "bench-baseline")
            let (first, last) = (endpoints[0], endpoints[Self.roles.count])
            sink = try await loop.makeSocket(.router, receiveBufferSize: 1024) { socket in
                try socket.setReceiveHighWaterMark(100_000)
                try socket.setSendHighWaterMark(100_000)
                try socket.bind(last)
            }
            source = try await loop.makeSocket(.dealer, receiveBufferSize: 1024) { socket in
                try socket.setRoutingID("bench-source")
                try socket.setSendHighWaterMark(100_000)
                try socket.setReceiveHighWaterMark(100_000)
                try socket.connect(first)
            }
        } catch {
            throw BenchError(.baselineFailed, "cannot open the baseline's sockets", cause: error)
        }
        let phase = ChildPhase(children: children, logger: logger, say: say)
        let flow = Flow()
        let payload = [UInt8](repeating: 0x2a, count: payloadBytes)
        let pumps = Task {
            await withDiscardingTaskGroup { group in
                group.addTask {  // the nodes' acks to the source: drained
                    do { for try await _ in source.messages {} } catch {}
                }
                group.addTask {  // the sink: the "agent" end, which acks every frame
                    do {
                        for try await message in sink.messages where message.frames.count == 3 {
                            let now = BenchClock.now()
                            if let number = Self.number(message.frames[1]) {
                                flow.arrivals.withLock { $0[number] = now }
                                flow.arrivedCount.add(1, ordering: .relaxed)
                                flow.room.landed()
                            }
                            try await sink.send(Multipart([message.frames[0], message.frames[1]]))
                        }
                    } catch {}
                }
            }
        }
        defer { pumps.cancel() }
        let result: Result<BenchReport.Baseline, BenchError>
        do {
            result = .success(try await measure(phase: phase, flow: flow, source: source, payload: payload, warmup: warmup, duration: duration, maxInFlight: maxInFlight))
        } catch {
            result = .failure(error)
        }
        await phase.stop()
        await loop.shutdown()
        try? context.terminate()
        return try result.get()
    }

    private func measure(
        phase: ChildPhase, flow: Flow, source: AsyncSocket, payload: [UInt8], warmup: Duration, duration: Duration, maxInFlight: Int
    ) async throws(BenchError) -> BenchReport.Baseline {
        // Ready when a probe makes it through every hop.
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while flow.arrivedCount.load(ordering: .relaxed) == 0 {
            if stopped() { throw BenchError(.interrupted, "interrupted") }
            guard ContinuousClock.now < deadline else { throw BenchError(.baselineFailed, "the baseline pipeline passed nothing within 30 s") }
            let number = flow.next.wrappingAdd(1, ordering: .relaxed).oldValue
            flow.sentCount.add(1, ordering: .relaxed)
            try? await source.send(Multipart([Self.id(number), payload]))
            try? await Task.sleep(for: .milliseconds(200))
        }
        flow.sentCount.store(flow.arrivedCount.load(ordering: .relaxed), ordering: .relaxed)
        say("baseline pipeline ready: \(Self.roles.joined(separator: " → ")) → bench")

        let start = BenchClock.now()
        let window = (start + BenchClock.nanoseconds(warmup))..<(start + BenchClock.nanoseconds(warmup + duration))
        let pacer = LoadPacer(
            rate: nil, maxInFlight: maxInFlight, start: start, end: window.upperBound, inFlight: { flow.inFlight },
            takeNumber: { flow.next.wrappingAdd(1, ordering: .relaxed).oldValue }, stopped: stopped, room: flow.room)
        let load = Task {
            while let number = await pacer.next() {
                flow.sendTimes.withLock { $0[number] = BenchClock.now() }
                flow.sentCount.add(1, ordering: .relaxed)
                do { try await source.send(Multipart([Self.id(number), payload])) } catch { return }
            }
        }
        let pids = await phase.pids
        await BenchClock.sleep(until: window.lowerBound, unless: stopped)
        let before = UsageSample(pids, benchName: nil)
        await BenchClock.sleep(until: window.upperBound, unless: stopped)
        flow.room.close()  // the sender waiting for room sees that the load is over
        let after = UsageSample(pids, benchName: nil)
        await load.value
        if stopped() { throw BenchError(.interrupted, "interrupted") }

        let (through, latency) = flow.arrivals.withLock { arrivals in
            let sendTimes = flow.sendTimes.withLock { $0 }
            var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
            histogram.autoResize = true
            var through = 0
            for (number, arrived) in arrivals where window.contains(arrived) {
                through += 1
                if let sent = sendTimes[number], arrived >= sent, window.contains(sent) { _ = histogram.record((arrived - sent) / 1_000) }
            }
            return (through, LatencySummary(histogram))
        }
        let seconds = Double(window.upperBound - window.lowerBound) / 1e9
        return BenchReport.Baseline(
            processes: after.figures(since: before, through: through, benchName: nil), hops: Self.roles.count, payloadBytes: payload.count,
            durationSeconds: seconds, messagesThrough: through, messagesPerSecond: Double(through) / seconds, sendToSink: latency)
    }

    static func id(_ number: Int) -> [UInt8] {
        var id = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 { id[index] = UInt8(truncatingIfNeeded: UInt64(number) >> (56 - 8 * UInt64(index))) }
        return id
    }

    static func number(_ id: [UInt8]) -> Int? {
        guard id.count == 16 else { return nil }
        return Int(truncatingIfNeeded: id[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }
}
