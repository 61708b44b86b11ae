/// Why `horizon tunnel` (or `horizon-wg`) could not start, worded for the person who ran
/// it: what failed and, where there is one, what to do about it.
public struct TunnelError: Error, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
