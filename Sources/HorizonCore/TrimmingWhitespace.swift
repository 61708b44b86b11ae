extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines (Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, for modules that avoid Foundation).
    public func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
