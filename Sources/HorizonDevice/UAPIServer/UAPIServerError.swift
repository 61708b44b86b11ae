/// Why the UAPI socket could not be opened, worded for the person starting the daemon.
public struct UAPIServerError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
