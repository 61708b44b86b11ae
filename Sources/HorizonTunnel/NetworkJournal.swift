#if canImport(Glibc)
import Glibc
#endif
import HorizonCore

/// Applies `NetworkChange`s and remembers how to undo each one that took effect, so a
/// failed start or a shutdown reverts exactly what this process did, newest first.
public final class NetworkJournal {
    private enum Undo {
        case ip([String], vanishesWithLink: Bool)
        case sysctl(String, previous: String)
        case firewallTable(String)
    }

    private var undoSteps: [Undo] = []
    private let sysctlRoot: String

    /// - Parameter sysctlRoot: where kernel settings live; tests point it elsewhere.
    public init(sysctlRoot: String = "/proc/sys") {
        self.sysctlRoot = sysctlRoot
    }

    public func apply(_ change: NetworkChange) throws(TunnelError) {
        if let commands = change.ipCommands {
            try SystemTool.ip(commands.apply)
            if let undo = commands.undo { undoSteps.append(.ip(undo, vanishesWithLink: change.vanishesWithLink)) }
        } else if case .sysctl(let key, let value) = change {
            let previous = try readSysctl(key)
            // Nothing to undo when it already had the value: it was not ours to change.
            guard previous != value else { return }
            try writeSysctl(key, value)
            undoSteps.append(.sysctl(key, previous: previous))
        } else if case .firewallTable(let name, let chains) = change {
            try SystemTool.nft(["-f", "-"], input: NetworkChange.firewallScript(table: name, chains: chains))
            undoSteps.append(.firewallTable(name))
        }
    }

    /// Reverts every applied change, newest first, carrying on past failures; returns
    /// what could not be undone so the caller can say so.
    /// - Parameter linkGone: the interface was deleted, taking its addresses and routes.
    public func undoAll(linkGone: Bool = false) -> [TunnelError] {
        var failures: [TunnelError] = []
        while let step = undoSteps.popLast() {
            do {
                switch step {
                case .ip(_, vanishesWithLink: true) where linkGone: break
                case .ip(let arguments, _): try SystemTool.ip(arguments)
                case .sysctl(let key, let previous): try writeSysctl(key, previous)
                case .firewallTable(let name): try SystemTool.nft(["delete", "table", "inet", name])
                }
            } catch {
                failures.append(error)
            }
        }
        return failures
    }

    private func path(_ key: String) -> String { "\(sysctlRoot)/\(key)" }

    private func readSysctl(_ key: String) throws(TunnelError) -> String {
        guard case .success(let text) = TextFile.read(path(key)) else {
            throw TunnelError("cannot read \(path(key))")
        }
        return text.trimmingWhitespace()
    }

    private func writeSysctl(_ key: String, _ value: String) throws(TunnelError) {
        switch TextFile.write(value + "\n", to: path(key)) {
        case nil: return
        case let error? where error.code == EACCES || error.code == EPERM || error.code == ENOENT:
            throw TunnelError("cannot write \(path(key)) — run as root")
        case let error?:
            throw TunnelError("cannot write \(value) to \(path(key)): \(error)")
        }
    }
}
