/// Line-level text rules of configuration files.
enum ConfigText {
    /// Drops a `#` comment. wg-quick does this before anything else, so a `#` cannot
    /// appear in any value, hook commands included.
    static func withoutComment(_ line: Substring) -> Substring {
        line.firstIndex(of: "#").map { line[..<$0] } ?? line
    }

    /// Without spaces, tabs and carriage returns at either end.
    static func trimmed(_ text: Substring) -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
              let last = text.lastIndex(where: { !isBlank($0) })
        else { return text[text.endIndex...] }
        return text[first...last]
    }
}
