import SwitchboardCore
import Wire

extension RoutingValue {
    init(_ value: ContextValue) {
        switch value {
        case .text(let text): self = .text(text)
        case .number(let number): self = .number(number)
        }
    }
}

extension ContextValue {
    init(_ value: RoutingValue) {
        switch value {
        case .text(let text): self = .text(text)
        case .number(let number): self = .number(number)
        }
    }
}
