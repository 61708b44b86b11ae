/// A user-facing failure: ArgumentParser prints "Error: <description>" and exits 1,
/// without the usage text a ValidationError adds.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
