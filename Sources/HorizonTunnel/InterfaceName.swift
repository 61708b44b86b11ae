/// An interface name as wg-quick accepts it: 1–15 characters (IFNAMSIZ less the NUL) from
/// a safe set, so it is a valid Linux interface name and a valid socket file name.
public struct InterfaceName: Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ name: String) throws(TunnelError) {
        guard (1...15).contains(name.utf8.count), name.utf8.allSatisfy(Self.isAllowed), name != ".", name != ".." else {
            throw TunnelError("'\(name)' is not a valid interface name: use 1 to 15 characters from A-Z a-z 0-9 _ = + . -")
        }
        description = name
    }

    /// wg-quick names the interface after its configuration file: /etc/wireguard/wg0.conf is wg0.
    public init(configPath: String) throws(TunnelError) {
        let file = configPath.split(separator: "/").last.map(String.init) ?? configPath
        let stem = file.hasSuffix(".conf") ? String(file.dropLast(5)) : file
        do {
            try self.init(stem)
        } catch {
            throw TunnelError("cannot name the interface after '\(file)': \(error) — pass --interface NAME")
        }
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "="),
             UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
