/// A configuration file problem, pointing at the line: "wg0.conf:7: AllowedIPs: '10.0.0.0/33'
/// is not a valid prefix length".
public struct WireGuardConfigError: Error, Equatable, CustomStringConvertible {
    public let fileName: String
    public let line: Int
    public let message: String

    public init(fileName: String, line: Int, message: String) {
        self.fileName = fileName
        self.line = line
        self.message = message
    }

    public var description: String { "\(fileName):\(line): \(message)" }
}
