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
