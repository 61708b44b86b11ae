import Foundation
import HorizonCore
import HorizonNode
import Testing

@Suite struct NodeStateDirectoryTests {
    private func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "horizon-state-\(UUID().uuidString)"
    }

    @Test func createsKeyOnceWithPrivateModesAndReloadsIt() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = NodeStateDirectory(path: dir)
        let first = try state.loadOrCreateNodeKey()
        let second = try state.loadOrCreateNodeKey()
        #expect(first == second)
        let fileMode = try FileManager.default.attributesOfItem(atPath: state.nodeKeyPath)[.posixPermissions] as? Int
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(dirMode == 0o700)
    }

    @Test func refusesWorldReadableKey() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = NodeStateDirectory(path: dir)
        _ = try state.loadOrCreateNodeKey()
        chmod(state.nodeKeyPath, 0o644)
        #expect(throws: NodeStateError.insecurePermissions(path: state.nodeKeyPath, mode: 0o644)) {
            try state.loadOrCreateNodeKey()
        }
    }

    @Test func refusesGarbageKeyFile() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = NodeStateDirectory(path: dir)
        _ = try state.loadOrCreateNodeKey()
        try "not a key\n".write(toFile: state.nodeKeyPath, atomically: false, encoding: .utf8)
        #expect(throws: NodeStateError.malformedKey(path: state.nodeKeyPath)) { try state.loadOrCreateNodeKey() }
    }
}
