/// `horizon-tunnel --config FILE [--interface NAME]`, the flags `horizon tunnel` passes on
/// after ArgumentParser has checked them (its help and messages are the user-facing ones).
public struct TunnelArguments: Equatable, Sendable {
    public static let executableName = "horizon-tunnel"
    public static let usage = "usage: horizon-tunnel --config FILE [--interface NAME] (see `horizon tunnel --help`)"

    public var config: String
    public var interface: String?

    public init(config: String, interface: String?) {
        self.config = config
        self.interface = interface
    }

    /// Accepts `--flag VALUE` and `--flag=VALUE`; nil for anything else.
    public init?(_ arguments: [String]) {
        var config: String?
        var interface: String?
        var rest = arguments[...]
        while let word = rest.popFirst() {
            let (flag, inline) = Self.split(word)
            guard let value = inline ?? rest.popFirst() else { return nil }
            switch flag {
            case "--config" where config == nil: config = value
            case "--interface" where interface == nil: interface = value
            default: return nil
            }
        }
        guard let config else { return nil }
        self.config = config
        self.interface = interface
    }

    /// The arguments that parse back to these (what `horizon tunnel` execs with).
    public var words: [String] {
        ["--config", config] + (interface.map { ["--interface", $0] } ?? [])
    }

    private static func split(_ word: String) -> (flag: String, value: String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }
}
