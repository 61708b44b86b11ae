import Foundation
import HorizonCore

/// Runs a system tool (ip, sysctl) to completion. Test and benchmark fixtures only.
public enum Command {
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let output: String
        public var description: String { "`\(command)` exited \(status): \(output)" }
    }

    /// Runs `arguments` (looked up on PATH) and returns its standard output.
    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = ReadToEnd.bytes(of: out.fileHandleForReading.fileDescriptor)
        let errors = ReadToEnd.bytes(of: err.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(command: arguments.joined(separator: " "), status: process.terminationStatus,
                          output: String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

