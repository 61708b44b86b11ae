import HorizonDevice

/// Picks the routing table (and fwmark) for a tunnel's default routes as wg-quick does:
/// the interface's FwMark if the file sets one, otherwise the first table from 51820 up
/// that holds no IPv4 or IPv6 route, so another tunnel's table is never reused.
enum PolicyRoutingTable {
    static let first: UInt32 = 51820
    /// Enough to step over every other tunnel on a host; bounds the search.
    static let searchLimit: UInt32 = 1000

    static func choose(for config: WireGuardConfig) throws(TunnelError) -> UInt32 {
        if let mark = config.interface.fwMark { return mark }
        for table in first..<(first + searchLimit) where isEmpty(table) {
            return table
        }
        throw TunnelError("no free routing table in \(first)..<\(first + searchLimit) for the default route — set FwMark in [Interface]")
    }

    /// `ip route show table N` fails ("FIB table does not exist") for a table that was
    /// never used: that counts as empty, as it does for wg-quick.
    private static func isEmpty(_ table: UInt32) -> Bool {
        ["-4", "-6"].allSatisfy { family in
            let routes = (try? SystemTool.ip([family, "route", "show", "table", String(table)])) ?? ""
            return routes.allSatisfy(\.isWhitespace)
        }
    }
}
