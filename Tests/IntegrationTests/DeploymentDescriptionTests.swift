import Foundation
import SwitchboardCore
import Testing
import Yams

/// docker-compose.yml cannot run here (no Docker engine), so this checks what can go wrong
/// in it without Docker: a server executable without a service, and endpoints or ports that
/// disagree with config/switchboard.yaml.
@Suite struct DeploymentDescriptionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct ComposeService {
        let name: String
        let executable: String
        let flags: [String: String]
    }

    func composeServices() throws -> [ComposeService] {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        let document = try #require(try ConfigurationLoader.withYAMLParser { try Yams.load(yaml: text) } as? [String: Any])
        let services = try #require(document["services"] as? [String: Any])
        return try services.map { name, value in
            let service = try #require(value as? [String: Any])
            let words = try #require(service["command"] as? String).split(whereSeparator: \.isWhitespace).map(String.init)
            var flags: [String: String] = [:]
            var index = 1
            while index + 1 < words.count {
                flags[words[index]] = words[index + 1]
                index += 2
            }
            return ComposeService(name: name, executable: words.first ?? "", flags: flags)
        }
    }

    func serverExecutables() throws -> Set<String> {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let names = manifest.matches(of: /\.executable\(name: "([a-z-]+)"/).map { String($0.output.1) }
        return Set(names).subtracting(["switchboard"])  // the operators' command, not a server
    }

    func shippedConfiguration() throws -> SwitchboardConfiguration {
        let text = try String(contentsOf: Self.root.appendingPathComponent("config/switchboard.yaml"), encoding: .utf8)
        return try ConfigurationLoader.load(yaml: text, file: "config/switchboard.yaml").get().configuration
    }

    @Test func everyServerExecutableHasAServiceAndEveryServiceRunsOne() throws {
        let executables = try serverExecutables()
        #expect(executables.count == 9)
        let services = try composeServices()
        #expect(Set(services.map(\.executable)) == executables)
        let configuration = try shippedConfiguration()
        let distributorNames = Set(services.filter { $0.executable == "distributor" }.compactMap { $0.flags["--name"] })
        #expect(distributorNames == Set(configuration.processes.distributors.map(\.name)))
    }

    @Test func portsAndEndpointsAgreeWithTheConfiguration() throws {
        let configuration = try shippedConfiguration()
        let processes = configuration.processes
        let services = try composeServices()
        func port(_ endpoint: ZeroMQEndpoint) -> Int? {
            if case .tcp(_, let port) = endpoint { return port }
            return nil
        }
        func service(_ executable: String) throws -> ComposeService {
            try #require(services.first { $0.executable == executable }, "no service runs \(executable)")
        }

        let router = try service("router")
        #expect(router.flags["--ingress-endpoint"] == "tcp://0.0.0.0:\(port(processes.router.ingressEndpoint) ?? 0)")
        #expect(router.flags["--distributor-endpoint"] == "tcp://0.0.0.0:\(port(processes.router.distributorEndpoint) ?? 0)")
        #expect(router.flags["--http"] == "0.0.0.0:\(processes.router.http.port)")

        let presence = try service("presence")
        #expect(presence.flags["--request-endpoint"] == "tcp://0.0.0.0:\(port(processes.presence.requestEndpoint) ?? 0)")
        #expect(presence.flags["--updates-endpoint"] == "tcp://0.0.0.0:\(port(processes.presence.updatesEndpoint) ?? 0)")
        #expect(presence.flags["--http"] == "0.0.0.0:\(processes.presence.http.port)")

        for distributor in services where distributor.executable == "distributor" {
            let configured = try #require(processes.distributor(named: distributor.flags["--name"] ?? ""))
            #expect(distributor.flags["--http"] == "0.0.0.0:\(configured.http.port)")
            #expect(distributor.flags["--router-endpoint"] == "tcp://\(router.name):\(port(processes.router.distributorEndpoint) ?? 0)")
            #expect(distributor.flags["--presence-endpoint"] == "tcp://\(presence.name):\(port(processes.presence.requestEndpoint) ?? 0)")
            #expect(distributor.flags["--updates-endpoint"] == "tcp://\(presence.name):\(port(processes.presence.updatesEndpoint) ?? 0)")
        }

        for (type, ingress) in processes.ingress {
            let adapter = try service("ingress-\(type.rawValue)")
            #expect(adapter.flags["--http"] == "0.0.0.0:\(ingress.http.port)")
            #expect(adapter.flags["--router-endpoint"] == "tcp://\(router.name):\(port(processes.router.ingressEndpoint) ?? 0)")
        }
    }

    @Test func everySecretTheConfigurationNamesIsPassedToTheContainers() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        for reference in try shippedConfiguration().secretReferences {
            #expect(text.contains("\(reference.environmentVariable): ${\(reference.environmentVariable):-}"), "\(reference.environmentVariable)")
        }
    }
}
