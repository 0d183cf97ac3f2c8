/// The one case-insensitive text comparison routing uses.
enum RoutingText {
    /// Lower-cases (Unicode default case mapping). Both sides of a comparison are folded the
    /// same way: the rule constant at compile time, the value when the context is built.
    static func fold(_ text: String) -> String { text.lowercased() }
}
