import HorizonCore

/// Routes or addresses an agent keeps on its interface as the netmap changes: adds the wanted
/// ones it lacks, removes the ones it added that are no longer wanted, and touches nothing
/// else (the tunnel's own, undone by its journal).
struct InterfacePrefixes {
    enum Kind: String {
        case route
        case address
    }

    let kind: Kind
    private(set) var current: Set<IPPrefix> = []

    init(_ kind: Kind) { self.kind = kind }

    /// Returns what could not be added.
    mutating func sync(_ wanted: [IPPrefix], interface: String) -> [String] {
        let target = Set(wanted.map { kind == .route ? $0.masked : $0 })
        var failures: [String] = []
        for prefix in target.subtracting(current) {
            do throws(TunnelError) {
                _ = try SystemTool.ip([kind.rawValue, "replace", prefix.description, "dev", interface])
                current.insert(prefix)
            } catch {
                failures.append(error.description)
            }
        }
        for prefix in current.subtracting(target) {
            _ = try? SystemTool.ip([kind.rawValue, "del", prefix.description, "dev", interface])
            current.remove(prefix)
        }
        return failures
    }
}
