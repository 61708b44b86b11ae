import HorizonCore
import HorizonDevice

/// Sends all traffic through a tunnel that is already running, the wg-quick way (see
/// `TunnelNetworkPlan`): the device marks its own UDP packets, the default routes go into a
/// table of their own, and policy rules send every unmarked packet there. The node agent's
/// client turns it on when it connects through a gateway and off when it disconnects, so the
/// interface — and its network members' sessions and TAPs — stays up across both.
public final class DefaultRouteDiversion {
    public let table: UInt32
    private let device: Device
    private let journal: NetworkJournal

    public init(on tunnel: Tunnel) throws(TunnelError) {
        device = tunnel.device
        journal = NetworkJournal(recordPath: tunnel.journalPath(.diversion))
        table = try PolicyRoutingTable.choose(for: WireGuardConfig())
        if let error = device.apply([.fwmark(table)]) {
            throw TunnelError("cannot mark \(tunnel.interfaceName)'s packets: \(error.message)")
        }
        do throws(TunnelError) {
            for prefix in [IPPrefix("0.0.0.0/0")!, IPPrefix("::/0")!] {
                let changes = TunnelNetworkPlan.defaultRouteChanges(prefix, interface: tunnel.interfaceName.description, table: String(table))
                for change in changes { try journal.apply(change) }
            }
        } catch {
            _ = undo()
            throw error
        }
    }

    /// Removes the routes and rules, restores the sysctl and unmarks the device's packets;
    /// returns what could not be undone.
    public func undo() -> [TunnelError] {
        var failures = journal.undoAll()
        if let error = device.apply([.fwmark(nil)]) { failures.append(TunnelError("cannot unmark the device's packets: \(error.message)")) }
        return failures
    }
}
