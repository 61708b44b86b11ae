import Foundation

/// The interface a gateway forwards its clients' traffic out of, when the operator does not
/// name one (`--uplink`): the one the host's IPv4 default route uses.
public enum UplinkInterface {
    public static func detect() throws(TunnelError) -> InterfaceName {
        let output = try SystemTool.ip(["-j", "-4", "route", "show", "default"])
        guard let name = defaultRouteDevice(inJSON: output) else {
            throw TunnelError("this host has no IPv4 default route to forward clients' traffic through — pass --uplink IFACE")
        }
        return try InterfaceName(name)
    }

    /// The `dev` of the first default route in `ip -j route show default` output.
    static func defaultRouteDevice(inJSON text: String) -> String? {
        guard let routes = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return nil }
        return routes.lazy.compactMap { $0["dev"] as? String }.first
    }
}

extension UplinkInterface {
    /// The first global IPv4 address of `interface`: a gateway's default public endpoint
    /// when the operator gives none (`--endpoint`).
    public static func address(of interface: InterfaceName) throws(TunnelError) -> String {
        let output = try SystemTool.ip(["-j", "-4", "address", "show", "dev", interface.description, "scope", "global"])
        guard let address = firstAddress(inJSON: output) else {
            throw TunnelError("\(interface) has no global IPv4 address to offer clients — pass --endpoint HOST:PORT")
        }
        return address
    }

    /// The `local` of the first `addr_info` entry in `ip -j address show` output.
    static func firstAddress(inJSON text: String) -> String? {
        guard let links = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return nil }
        return links.lazy.compactMap { ($0["addr_info"] as? [[String: Any]])?.first?["local"] as? String }.first
    }
}
