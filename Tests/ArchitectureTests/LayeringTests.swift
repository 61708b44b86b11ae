import Foundation
import Testing

/// Keeps the layering of docs/ARCHITECTURE.md true: read from the real manifest
/// (`swift package dump-package`) and the real `import` lines, not from a copy of either.
@Suite struct LayeringTests {
    /// Packages that only the control plane may reach.
    static let controlPlanePackages: Set<String> = [
        "vapor", "fluent", "fluent-kit", "fluent-sqlite-driver", "fluent-postgres-driver", "sql-kit",
        "swift-openapi-vapor",
    ]
    /// Targets allowed to reach them.
    static let controlPlaneTargets: Set<String> = ["HorizonBroker", "HorizonBrokerCLI", "HorizonBrokerTests", "HorizonBrokerBench"]
    /// Targets the broker must never reach: the data plane and the node.
    static let dataPlaneTargets: Set<String> = [
        "CLibCrypto", "CHorizonLinux", "HorizonCrypto", "HorizonWireGuard", "HorizonTUN", "HorizonUDP",
        "HorizonDevice", "HorizonNAT", "HorizonLAN", "HorizonDiscovery", "HorizonNode",
    ]
    /// Modules any target may import without declaring them.
    static let platformModules: Set<String> = [
        "Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin",
        "Dispatch", "Synchronization", "Testing", "XCTest", "_Concurrency",
    ]

    let manifest: Manifest

    init() throws {
        manifest = try Manifest.load(packageRoot: Self.packageRoot)
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func manifestHasTheLayeredModules() {
        for name in ["HorizonCore", "HorizonCrypto", "HorizonProtocol", "HorizonWireGuard", "HorizonBroker",
                     "HorizonNode", "HorizonNAT", "HorizonTestKit", "HorizonCLI", "HorizonBrokerCLI"] {
            #expect(manifest.targets[name] != nil, "missing target \(name)")
        }
    }

    @Test func onlyTheBrokerReachesVaporOrFluent() {
        for name in manifest.targets.keys.sorted() where !Self.controlPlaneTargets.contains(name) {
            let reached = manifest.packagesReached(from: name).intersection(Self.controlPlanePackages)
            #expect(reached.isEmpty, "\(name) depends on \(reached.sorted()) through \(manifest.targetsReached(from: name).sorted())")
        }
    }

    @Test func theBrokerNeverReachesTheDataPlane() {
        for name in Self.controlPlaneTargets where manifest.targets[name] != nil {
            let reached = manifest.targetsReached(from: name).intersection(Self.dataPlaneTargets)
            #expect(reached.isEmpty, "\(name) depends on data-plane targets \(reached.sorted())")
        }
    }

    /// A module can compile an `import` it never declared when another target happened to
    /// build it first; this catches that, so the manifest stays the whole truth.
    @Test func everyImportIsADeclaredDependency() throws {
        for (name, target) in manifest.targets where target.type != "system" {
            let declared = manifest.declaredModules(of: name)
            for file in try Self.swiftFiles(of: name, type: target.type) {
                for module in try Self.imports(in: file) {
                    let ok = declared.contains(module) || Self.platformModules.contains(module) || module == name
                    #expect(ok, "\(file.lastPathComponent) in \(name) imports \(module), which \(name) does not declare")
                }
            }
        }
    }

    static func swiftFiles(of target: String, type: String) throws -> [URL] {
        let dir = packageRoot.appendingPathComponent(type == "test" ? "Tests" : "Sources").appendingPathComponent(target)
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    /// Module names from `import X`, `@testable import X`, `import struct X.Y`, `@_exported import X`.
    static func imports(in file: URL) throws -> Set<String> {
        var modules = Set<String>()
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            var words = line.split(separator: " ").filter { !$0.isEmpty }
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"]
            let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            modules.insert(String(path.split(separator: ".")[0]))
        }
        return modules
    }
}

/// The parts of `swift package dump-package` this test needs.
struct Manifest {
    struct Target {
        let type: String
        let targetDependencies: [String]
        /// (product, package identity)
        let productDependencies: [(String, String)]
    }

    let targets: [String: Target]

    static func load(packageRoot: URL) throws -> Manifest {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "package", "--package-path", packageRoot.path,
                             "--scratch-path", scratch.path, "dump-package"]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "HORIZON_DATA_PLANE_ONLY")   // judge the full graph
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ManifestError.dumpFailed(process.terminationStatus) }
        return try parse(data)
    }

    static func parse(_ data: Data) throws -> Manifest {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let targetList = root["targets"] as? [[String: Any]]
        else { throw ManifestError.unexpectedShape }
        var targets: [String: Target] = [:]
        for entry in targetList {
            guard let name = entry["name"] as? String, let type = entry["type"] as? String else { continue }
            var byTarget: [String] = []
            var byProduct: [(String, String)] = []
            for dependency in entry["dependencies"] as? [[String: Any]] ?? [] {
                if let product = dependency["product"] as? [Any?], let productName = product[0] as? String,
                   let package = product[1] as? String {
                    byProduct.append((productName, package.lowercased()))
                } else if let named = (dependency["byName"] ?? dependency["target"]) as? [Any?],
                          let targetName = named[0] as? String {
                    byTarget.append(targetName)
                }
            }
            targets[name] = Target(type: type, targetDependencies: byTarget, productDependencies: byProduct)
        }
        return Manifest(targets: targets)
    }

    func targetsReached(from name: String) -> Set<String> {
        var seen = Set<String>()
        var stack = targets[name]?.targetDependencies ?? []
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack += targets[next]?.targetDependencies ?? []
        }
        return seen
    }

    func packagesReached(from name: String) -> Set<String> {
        let all = targetsReached(from: name).union([name])
        return Set(all.flatMap { targets[$0]?.productDependencies.map(\.1) ?? [] })
    }

    /// Modules a target may import: its own dependencies (targets and products, direct only).
    func declaredModules(of name: String) -> Set<String> {
        guard let target = targets[name] else { return [] }
        return Set(target.targetDependencies).union(target.productDependencies.map(\.0))
    }
}

enum ManifestError: Error {
    case dumpFailed(Int32)
    case unexpectedShape
}
