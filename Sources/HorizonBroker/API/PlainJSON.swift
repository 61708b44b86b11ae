/// The header values of the requests nodes make that plainly send and take JSON. The fast
/// paths (``NetmapFetchMiddleware``, ``HeartbeatMiddleware``) serve only those and leave
/// every other value to the generated code's negotiation.
enum PlainJSON {
    /// An `Accept` that takes `application/json` as is (none at all does too).
    static func accepts(_ accept: String?) -> Bool {
        guard let accept else { return true }
        return accept == "application/json" || accept == "*/*"
    }

    /// A `Content-Type` of JSON in UTF-8, as clients write it.
    static func isContentType(_ contentType: String?) -> Bool {
        contentType == "application/json" || contentType == "application/json; charset=utf-8"
    }
}
