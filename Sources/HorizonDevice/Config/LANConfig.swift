import HorizonCore
import HorizonLAN

extension WireGuardConfig {
    /// Which sections a file may have. `wg` and `wg-quick` know only [Interface] and [Peer];
    /// `horizon tunnel` also reads Horizon's own sections ([LAN]).
    public enum Dialect: Equatable, Sendable {
        case wireGuard
        case horizon
    }

    /// A [LAN] section (Horizon dialect): one L2 network carried over this file's peers.
    ///
    ///     [LAN]
    ///     Name = lan0                  # the network; also the TAP's name unless Interface is given
    ///     Tag = 7                      # 0-16777215, the same on every member
    ///     Address = 10.60.0.1/24, fd60::1/64
    ///     MAC = 02:00:00:00:00:01      # optional (the kernel picks a random one)
    ///     MTU = 1402                   # optional (tunnel MTU − 18)
    ///     Members = <public key>, ...  # each a [Peer] of this file
    public struct LAN: Equatable, Sendable {
        public var name: String
        public var interfaceName: String?
        public var tag: LANNetworkTag
        public var addresses: [IPPrefix] = []
        public var mac: MACAddress?
        public var mtu: Int?
        public var members: [PublicKey] = []

        public init(name: String, tag: LANNetworkTag) {
            self.name = name
            self.tag = tag
        }

        /// The TAP's name: Interface, else Name.
        public var tapName: String { interfaceName ?? name }
    }
}

enum LANKey: String, ConfigKey {
    case name = "Name"
    case interface = "Interface"
    case tag = "Tag"
    case address = "Address"
    case mac = "MAC"
    case mtu = "MTU"
    case members = "Members"

    var isRepeatable: Bool { self == .address || self == .members }
    var isList: Bool { self == .address || self == .members }
}

/// A [LAN] section being read: Name and Tag may come on any line, and Members are checked
/// against the file's peers once the whole file is read, so each keeps its line.
struct LANDraft {
    let headerLine: Int
    var name: String?
    var interfaceName: String?
    var tag: LANNetworkTag?
    var addresses: [IPPrefix] = []
    var mac: MACAddress?
    var mtu: Int?
    var members: [(key: PublicKey, line: Int)] = []

    init(headerLine: Int) { self.headerLine = headerLine }

    mutating func apply(_ key: LANKey, _ value: Substring, line: Int) throws(ConfigValue.Invalid) {
        if !key.isList, value.isEmpty { throw ConfigValue.Invalid("missing value") }
        switch key {
        case .name: name = try ConfigValue.interfaceName(value)
        case .interface: interfaceName = try ConfigValue.interfaceName(value)
        case .tag: tag = try ConfigValue.lanTag(value)
        case .address: addresses += try ConfigValue.prefixes(value)
        case .mac: mac = try ConfigValue.unicastMAC(value)
        case .mtu: mtu = try ConfigValue.mtu(value)
        case .members: members += try ConfigValue.keys(value).map { ($0, line) }
        }
    }
}

extension ConfigValue {
    /// What Linux takes as an interface name: 1-15 bytes, no '/', ':' or blanks.
    static func interfaceName(_ text: Substring) throws(Invalid) -> String {
        guard (1...15).contains(text.utf8.count), text != ".", text != "..",
              !text.contains(where: { $0 == "/" || $0 == ":" || $0.isWhitespace || !$0.isASCII })
        else { throw Invalid("'\(text)' is not an interface name (1-15 characters, no '/', ':' or spaces)") }
        return String(text)
    }

    static func lanTag(_ text: Substring) throws(Invalid) -> LANNetworkTag {
        guard let value = DecimalText.parse(text, limit: UInt64(LANNetworkTag.maxValue)) else {
            throw Invalid("'\(text)' is not a network tag (0-\(LANNetworkTag.maxValue))")
        }
        return LANNetworkTag(UInt32(value))!
    }

    static func unicastMAC(_ text: Substring) throws(Invalid) -> MACAddress {
        guard let mac = MACAddress(String(text)) else { throw Invalid("'\(text)' is not a MAC address (aa:bb:cc:dd:ee:ff)") }
        guard mac.isUnicast else { throw Invalid("\(mac) is a group address; an interface needs a unicast one") }
        return mac
    }

    /// A comma-separated list of base64 public keys (never echoed, as with single keys).
    static func keys(_ text: Substring) throws(Invalid) -> [PublicKey] {
        var keys: [PublicKey] = []
        for (index, item) in try list(text).enumerated() {
            guard let key = PublicKey(base64: String(item)) else {
                throw Invalid("entry \(index + 1) is not a valid key (expected 44 characters of base64, as `wg pubkey` prints)")
            }
            keys.append(key)
        }
        return keys
    }
}
