import HorizonDevice

/// wg-quick keys `horizon tunnel` reads but does not act on, each with what to do instead.
/// They are reported rather than refused: the tunnel itself works without them.
enum UnsupportedSettings {
    static func warnings(for config: WireGuardConfig) -> [String] {
        let interface = config.interface
        var warnings: [String] = []
        if !interface.dns.isEmpty {
            warnings.append("DNS is not applied by horizon tunnel; configure the resolver yourself (resolvectl dns <interface> ...)")
        }
        let hooks = [("PreUp", interface.preUp), ("PostUp", interface.postUp),
                     ("PreDown", interface.preDown), ("PostDown", interface.postDown)]
        for (key, commands) in hooks where !commands.isEmpty {
            warnings.append("\(key) commands are not run by horizon tunnel; run them yourself, or use wg-quick with horizon-wg")
        }
        if interface.saveConfig {
            warnings.append("SaveConfig is ignored: horizon tunnel never writes the configuration file")
        }
        return warnings
    }
}
