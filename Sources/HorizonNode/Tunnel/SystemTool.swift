import Foundation
import HorizonCore

/// Runs the host's network tools (iproute2's `ip`, `nft`) to completion. A failure carries the
/// command line and the tool's own message, which is usually what the user needs to see.
enum SystemTool {
    /// Where root's PATH finds iproute2 on Debian and friends, for callers whose PATH lacks sbin.
    private static let fallbackDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]

    /// Runs `ip ARGUMENTS` and returns its standard output.
    @discardableResult
    static func ip(_ arguments: [String]) throws(TunnelError) -> String {
        try run("ip", arguments)
    }

    /// Runs `nft ARGUMENTS`, feeding `input` (a ruleset for `-f -`) on standard input.
    @discardableResult
    static func nft(_ arguments: [String], input: String? = nil) throws(TunnelError) -> String {
        try run("nft", arguments, input: input, package: "nftables")
    }

    static func run(_ tool: String, _ arguments: [String], input: String? = nil, package: String = "iproute2") throws(TunnelError) -> String {
        let commandLine = ([tool] + arguments).joined(separator: " ")
        guard let path = locate(tool) else {
            throw TunnelError("cannot find `\(tool)` — install \(package)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let standardInput = input.map { _ in Pipe() }
        process.standardInput = standardInput ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TunnelError("cannot run `\(commandLine)`: \(error.localizedDescription)")
        }
        if let standardInput, let input {
            // Rulesets are a few hundred bytes: far below the pipe buffer, so this cannot block.
            try? standardInput.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? standardInput.fileHandleForWriting.close()
        }
        // Drain both pipes before waiting, so a chatty tool cannot block on a full pipe.
        let standardError = DrainedPipe(errors)
        let text = String(decoding: ReadToEnd.bytes(of: output.fileHandleForReading.fileDescriptor), as: UTF8.self)
        let message = standardError.text()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = message.trimmingCharacters(in: .whitespacesAndNewlines)
            throw TunnelError("`\(commandLine)` failed: \(detail.isEmpty ? "exit status \(process.terminationStatus)" : detail)")
        }
        return text
    }

    private static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        return (path + fallbackDirectories)
            .map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Reads a pipe to its end on another thread.
private final class DrainedPipe: @unchecked Sendable {
    private var data: [UInt8] = []
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = ReadToEnd.bytes(of: handle.fileDescriptor)
            done.signal()
        }
    }

    /// Waits for the end of the stream; the semaphore orders the write before this read.
    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
