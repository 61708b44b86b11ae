/// The keys each section accepts, spelled as wg(8) and wg-quick(8) document them. Matching
/// ignores case, as wg does.
protocol ConfigKey: RawRepresentable<String>, CaseIterable {
    /// Whether the key may appear more than once in a section (lists and hooks add up).
    var isRepeatable: Bool { get }
    /// Whether the value is a comma-separated list, which may be empty.
    var isList: Bool { get }
}

extension ConfigKey {
    init?(name: Substring) {
        guard let key = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = key
    }
}

enum InterfaceKey: String, ConfigKey {
    case privateKey = "PrivateKey"
    case listenPort = "ListenPort"
    case fwMark = "FwMark"
    case address = "Address"
    case dns = "DNS"
    case mtu = "MTU"
    case table = "Table"
    case preUp = "PreUp"
    case postUp = "PostUp"
    case preDown = "PreDown"
    case postDown = "PostDown"
    case saveConfig = "SaveConfig"

    var isRepeatable: Bool {
        switch self {
        case .address, .dns, .preUp, .postUp, .preDown, .postDown: true
        default: false
        }
    }

    var isList: Bool { self == .address || self == .dns }
}

enum PeerKey: String, ConfigKey {
    case publicKey = "PublicKey"
    case presharedKey = "PresharedKey"
    case allowedIPs = "AllowedIPs"
    case endpoint = "Endpoint"
    case persistentKeepalive = "PersistentKeepalive"

    var isRepeatable: Bool { self == .allowedIPs }
    var isList: Bool { self == .allowedIPs }
}
