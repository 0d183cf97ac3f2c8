/// The one case-insensitive text comparison routing uses.
///
/// Both sides of a comparison are folded the same way, once: the rule constant when the rules
/// are compiled, the value when the `RoutingContext` is built. Evaluation then compares bytes
/// (`FoldedBytes`) and never touches a `String`.
enum RoutingText {
    /// Appends the folded UTF-8 of `text`: lower-cased (Unicode default case mapping), in NFC,
    /// so canonically equivalent texts ("é" precomposed or as "e" + combining accent) fold
    /// to the same bytes.
    static func fold(_ text: String, into bytes: inout [UInt8]) {
        // ASCII (most values: ids, tiers, URLs) is already NFC: lower-case it byte by byte
        // without building a String.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 { bytes.append(byte &- 0x41 < 26 ? byte | 0x20 : byte) }
            return
        }
        // `_nfcCodeUnits` is the standard library's own NFC (what String comparison uses);
        // Foundation's equivalent bridges through NSString on Linux.
        bytes.append(contentsOf: text.lowercased()._nfcCodeUnits)
    }

    static func fold(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        fold(text, into: &bytes)
        return bytes
    }
}
