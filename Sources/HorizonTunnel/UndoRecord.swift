/// The text form of a `NetworkJournal`'s pending steps: a line per step, oldest first, its
/// fields separated by tabs (no `ip` argument, sysctl key or table name holds one):
///
///     ip      link|keep   ARG…        an `ip` command; `link`: the step vanishes with the link
///     sysctl  KEY         PREVIOUS    a setting to write back
///     nft     TABLE                   an nftables table (inet) to delete
///
/// A line it cannot read is skipped: what it named stays, as it would without a record.
enum UndoRecord {
    static func text(of steps: [NetworkJournal.Undo]) -> String {
        steps.map { fields(of: $0).joined(separator: "\t") + "\n" }.joined()
    }

    static func steps(in text: String) -> [NetworkJournal.Undo] {
        text.split(separator: "\n").compactMap { line in
            step(line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
        }
    }

    private static func fields(of step: NetworkJournal.Undo) -> [String] {
        switch step {
        case .ip(let arguments, let vanishesWithLink): ["ip", vanishesWithLink ? "link" : "keep"] + arguments
        case .sysctl(let key, let previous): ["sysctl", key, previous]
        case .firewallTable(let name): ["nft", name]
        }
    }

    private static func step(_ fields: [String]) -> NetworkJournal.Undo? {
        switch fields.first {
        case "ip" where fields.count > 2 && (fields[1] == "link" || fields[1] == "keep"):
            .ip(Array(fields.dropFirst(2)), vanishesWithLink: fields[1] == "link")
        case "sysctl" where fields.count == 3: .sysctl(fields[1], previous: fields[2])
        case "nft" where fields.count == 2: .firewallTable(fields[1])
        default: nil
        }
    }
}
