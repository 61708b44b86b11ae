import HorizonCore
import HorizonLAN

extension WireGuardConfig {
    /// Parses a wg-quick / `wg setconf` file. `fileName` only labels errors. The `.horizon`
    /// dialect also reads [LAN] sections, which the `.wireGuard` one refuses by name.
    ///
    /// Stricter than wg where wg silently keeps the last of two values: a single-valued key
    /// given twice in one section, a second [Interface], and a peer listed twice are errors.
    public static func parse(_ text: String, fileName: String, dialect: Dialect = .wireGuard) throws(WireGuardConfigError) -> WireGuardConfig {
        var parser = WireGuardConfigParser(fileName: fileName, dialect: dialect)
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (offset, line) in lines.enumerated() {
            try parser.consume(line, number: offset + 1)
        }
        return try parser.finish()
    }
}

/// Reads a configuration file line by line into a `WireGuardConfig`.
struct WireGuardConfigParser {
    private enum Section {
        case none
        case interface
        case peer(PeerDraft)
        case lan(LANDraft)
    }

    /// A [Peer] section being read. Its PublicKey may come on any of its lines, so it is
    /// held apart until the section ends; `peer` carries a placeholder key until then.
    private struct PeerDraft {
        let headerLine: Int
        var publicKey: PublicKey?
        var peer = WireGuardConfig.Peer(publicKey: PublicKey(raw: .zero))
    }

    let fileName: String
    let dialect: WireGuardConfig.Dialect
    private var config = WireGuardConfig()
    private var section = Section.none
    private var interfaceLine: Int?
    /// Lines where each peer's PublicKey was given, to report duplicates.
    private var peerLines: [PublicKey: Int] = [:]
    /// [LAN] sections by tag and by interface name, with the line that defined each.
    private var lanTags: [LANNetworkTag: Int] = [:]
    private var lanInterfaces: [String: Int] = [:]
    /// Members of every [LAN], checked against the peers once all are known.
    private var lanMembers: [(key: PublicKey, line: Int)] = []
    /// Single-valued keys given in the current section, with their line.
    private var keysInSection: [String: Int] = [:]

    init(fileName: String, dialect: WireGuardConfig.Dialect = .wireGuard) {
        self.fileName = fileName
        self.dialect = dialect
    }

    mutating func consume(_ rawLine: Substring, number: Int) throws(WireGuardConfigError) {
        let line = ConfigText.trimmed(ConfigText.withoutComment(rawLine))
        guard !line.isEmpty else { return }
        if line.hasPrefix("[") {
            try startSection(line, number: number)
            return
        }
        guard let equals = line.firstIndex(of: "=") else {
            // Only the first word is quoted: the rest may be a key meant to stay secret.
            let firstWord = line.prefix { $0 != " " && $0 != "\t" }
            let shown = firstWord.count < line.count ? "\(firstWord) …" : String(firstWord)
            throw error(number, "expected [Section] or Key = Value, found '\(shown)'")
        }
        let name = ConfigText.trimmed(line[..<equals])
        let value = ConfigText.trimmed(line[line.index(after: equals)...])
        switch section {
        case .none:
            throw error(number, "'\(name)' comes before any section (start with [Interface] or [Peer])")
        case .interface:
            guard let key = InterfaceKey(name: name) else { throw unknownKey(name, in: "Interface", number) }
            try checkRepetition(of: key, number)
            do {
                try Self.apply(key, value, to: &config.interface)
            } catch {
                throw self.error(number, "\(key.rawValue): \(error.message)")
            }
        case .peer(var draft):
            guard let key = PeerKey(name: name) else { throw unknownKey(name, in: "Peer", number) }
            try checkRepetition(of: key, number)
            do {
                try Self.apply(key, value, to: &draft)
            } catch {
                throw self.error(number, "\(key.rawValue): \(error.message)")
            }
            if key == .publicKey, let publicKey = draft.publicKey {
                if let first = peerLines[publicKey] {
                    throw error(number, "PublicKey: peer \(publicKey) is already defined (line \(first))")
                }
                peerLines[publicKey] = number
            }
            section = .peer(draft)
        case .lan(var draft):
            guard let key = LANKey(name: name) else { throw unknownKey(name, in: "LAN", number) }
            try checkRepetition(of: key, number)
            do {
                try draft.apply(key, value, line: number)
            } catch {
                throw self.error(number, "\(key.rawValue): \(error.message)")
            }
            section = .lan(draft)
        }
    }

    mutating func finish() throws(WireGuardConfigError) -> WireGuardConfig {
        try closeSection()
        // Members can only be checked now: [Peer] sections may follow the [LAN] that names them.
        for member in lanMembers where peerLines[member.key] == nil {
            throw error(member.line, "Members: \(member.key) is not a [Peer] of this file")
        }
        return config
    }

    // MARK: Sections

    private mutating func startSection(_ line: Substring, number: Int) throws(WireGuardConfigError) {
        guard line.hasSuffix("]") else { throw error(number, "'\(line)' is missing its closing ']'") }
        let name = ConfigText.trimmed(line.dropFirst().dropLast())
        try closeSection()
        switch name.lowercased() {
        case "interface":
            if let first = interfaceLine {
                throw error(number, "a second [Interface] section (the first is on line \(first))")
            }
            interfaceLine = number
            section = .interface
        case "peer":
            section = .peer(PeerDraft(headerLine: number))
        case "lan" where dialect == .horizon:
            section = .lan(LANDraft(headerLine: number))
        case "lan":
            throw error(number, "[LAN] is a Horizon section: only horizon tunnel reads it, wg and wg-quick do not")
        default:
            let expected = dialect == .horizon ? "[Interface], [Peer] or [LAN]" : "[Interface] or [Peer]"
            throw error(number, "unknown section '[\(name)]' (expected \(expected))")
        }
    }

    private mutating func closeSection() throws(WireGuardConfigError) {
        defer { keysInSection = [:] }
        if case .lan(let draft) = section { try closeLAN(draft) }
        guard case .peer(let draft) = section else { return }
        guard let publicKey = draft.publicKey else {
            throw error(draft.headerLine, "[Peer] has no PublicKey")
        }
        var peer = draft.peer
        peer.publicKey = publicKey
        config.peers.append(peer)
        section = .none
    }

    private mutating func closeLAN(_ draft: LANDraft) throws(WireGuardConfigError) {
        section = .none
        guard let name = draft.name else { throw error(draft.headerLine, "[LAN] has no Name") }
        guard let tag = draft.tag else { throw error(draft.headerLine, "[LAN] has no Tag") }
        if let first = lanTags[tag] {
            throw error(draft.headerLine, "[LAN] \(name): Tag \(tag) is already used by the [LAN] on line \(first)")
        }
        var lan = WireGuardConfig.LAN(name: name, tag: tag)
        lan.interfaceName = draft.interfaceName
        if let first = lanInterfaces[lan.tapName] {
            throw error(draft.headerLine, "[LAN] \(name): interface \(lan.tapName) is already used by the [LAN] on line \(first)")
        }
        lanTags[tag] = draft.headerLine
        lanInterfaces[lan.tapName] = draft.headerLine
        lan.addresses = draft.addresses
        lan.mac = draft.mac
        lan.mtu = draft.mtu
        var seen: [PublicKey: Int] = [:]
        for member in draft.members {
            if let first = seen[member.key] {
                throw error(member.line, "Members: \(member.key) is listed twice in this [LAN] (first on line \(first))")
            }
            seen[member.key] = member.line
        }
        lan.members = draft.members.map(\.key)
        lanMembers += draft.members
        config.lans.append(lan)
    }

    // MARK: Keys

    private static func apply(_ key: InterfaceKey, _ value: Substring, to interface: inout WireGuardConfig.Interface) throws(ConfigValue.Invalid) {
        if !key.isList, value.isEmpty { throw ConfigValue.Invalid("missing value") }
        switch key {
        case .privateKey: interface.privateKey = try ConfigValue.key(value)
        case .listenPort: interface.listenPort = try ConfigValue.port(value)
        case .fwMark: interface.fwMark = try ConfigValue.fwMark(value)
        case .address: interface.addresses += try ConfigValue.prefixes(value)
        case .dns: interface.dns += try ConfigValue.dns(value)
        case .mtu: interface.mtu = try ConfigValue.mtu(value)
        case .table: interface.table = try ConfigValue.table(value)
        case .preUp: interface.preUp.append(String(value))
        case .postUp: interface.postUp.append(String(value))
        case .preDown: interface.preDown.append(String(value))
        case .postDown: interface.postDown.append(String(value))
        case .saveConfig: interface.saveConfig = try ConfigValue.bool(value)
        }
    }

    private static func apply(_ key: PeerKey, _ value: Substring, to draft: inout PeerDraft) throws(ConfigValue.Invalid) {
        if !key.isList, value.isEmpty { throw ConfigValue.Invalid("missing value") }
        switch key {
        case .publicKey: draft.publicKey = try ConfigValue.key(value)
        case .presharedKey: draft.peer.presharedKey = try ConfigValue.key(value)
        case .allowedIPs: draft.peer.allowedIPs += try ConfigValue.prefixes(value)
        case .endpoint: draft.peer.endpoint = try ConfigValue.endpoint(value)
        case .persistentKeepalive: draft.peer.persistentKeepalive = try ConfigValue.keepalive(value)
        }
    }

    private mutating func checkRepetition(of key: some ConfigKey, _ number: Int) throws(WireGuardConfigError) {
        guard !key.isRepeatable else { return }
        if let first = keysInSection[key.rawValue] {
            throw error(number, "\(key.rawValue) is given twice in this section (first on line \(first))")
        }
        keysInSection[key.rawValue] = number
    }

    // MARK: Errors

    private func unknownKey(_ name: Substring, in section: String, _ number: Int) -> WireGuardConfigError {
        error(number, "unknown key '\(name)' in [\(section)]")
    }

    private func error(_ line: Int, _ message: String) -> WireGuardConfigError {
        WireGuardConfigError(fileName: fileName, line: line, message: message)
    }
}
