import Foundation
import Logging
import ProcessRuntime
import SwitchboardCore

/// Which processes a configuration asks for, with the arguments each is started with, and
/// where each listens: what `switchboard up` runs and prints.
struct SystemPlan {
    let children: [ChildProcess]
    let listing: String

    init(configuration: SwitchboardConfiguration, configPath: String, dataDirectory: String, logLevel: Logger.Level, binDirectory: String) throws {
        let configPath = URL(fileURLWithPath: configPath).standardizedFileURL.path
        let dataDirectory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let common = ["--config", configPath, "--data-dir", dataDirectory, "--log-level", "\(logLevel)"]
        func child(_ name: String, _ executable: String, _ extra: [String] = []) -> ChildProcess {
            ChildProcess(name: name, executable: "\(binDirectory)/\(executable)", arguments: common + extra)
        }
        let processes = configuration.processes
        var children = [child("router", "router"), child("presence", "presence")]
        var lines = [
            "data directory: \(dataDirectory)",
            "router          ingress \(processes.router.ingressEndpoint)  distributors \(processes.router.distributorEndpoint)  http \(processes.router.http)",
            "presence        requests \(processes.presence.requestEndpoint)  updates \(processes.presence.updatesEndpoint)  agents http://\(processes.presence.http)/agent/ws",
        ]
        for distributor in processes.distributors {
            children.append(child(distributor.name, "distributor", ["--name", distributor.name]))
            lines.append("\(distributor.name.padding(toLength: 15, withPad: " ", startingAt: 0)) queues \(distributor.queues.joined(separator: ","))  http \(distributor.http)")
        }
        for type in ChannelType.allCases {
            guard let ingress = processes.ingress[type] else { continue }
            let name = "ingress-\(type.rawValue)"
            children.append(child(name, name))
            lines.append("\(name.padding(toLength: 15, withPad: " ", startingAt: 0)) webhooks http://\(ingress.http)/channels/\(type.rawValue)/…")
        }
        self.children = children
        self.listing = lines.joined(separator: "\n")
    }
}
