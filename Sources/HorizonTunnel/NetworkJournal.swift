#if canImport(Glibc)
import Glibc
#endif
import HorizonCore

/// Applies `NetworkChange`s and remembers how to undo each one that took effect, so a
/// failed start or a shutdown reverts exactly what this process did, newest first.
///
/// With a record file, the steps are also kept on disk while they are pending: sysctls,
/// policy rules and firewall tables outlive a process that is killed, and the next process
/// for the same interface undoes them (``recover(at:sysctlRoot:)``) before it changes
/// anything. Without that, a killed gateway would leave forwarding on for good: its next run
/// finds it on and takes it for the host's own setting.
public final class NetworkJournal {
    enum Undo: Equatable {
        case ip([String], vanishesWithLink: Bool)
        case sysctl(String, previous: String)
        case firewallTable(String)
    }

    private var undoSteps: [Undo] = [] {
        didSet { saveRecord() }
    }
    private let sysctlRoot: String
    private let recordPath: String?

    /// - Parameters:
    ///   - sysctlRoot: where kernel settings live; tests point it elsewhere.
    ///   - recordPath: a file that holds the pending steps (nil: memory only).
    public init(sysctlRoot: String = "/proc/sys", recordPath: String? = nil) {
        self.sysctlRoot = sysctlRoot
        self.recordPath = recordPath
    }

    /// Undoes what a killed process recorded at `path` and deletes the record. Its interface
    /// went with it, taking addresses and routes along. Returns what could not be undone.
    public static func recover(at path: String, sysctlRoot: String = "/proc/sys") -> [TunnelError] {
        guard case .success(let text) = TextFile.read(path) else { return [] }
        let journal = NetworkJournal(sysctlRoot: sysctlRoot, recordPath: path)
        journal.undoSteps = UndoRecord.steps(in: text)
        return journal.undoAll(linkGone: true)
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

    /// The pending steps on disk, or no file once there are none.
    private func saveRecord() {
        guard let recordPath else { return }
        if undoSteps.isEmpty {
            unlink(recordPath)
        } else {
            // Best effort: a record that cannot be written only loses the clean-up after a kill.
            _ = TextFile.replace(recordPath, with: UndoRecord.text(of: undoSteps))
        }
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
