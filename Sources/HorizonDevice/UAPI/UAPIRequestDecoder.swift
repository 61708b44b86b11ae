/// Splits the byte stream of one UAPI connection into requests and their operations as
/// bytes arrive, so a `set` carrying hundreds of thousands of `allowed_ip` lines is
/// applied while it streams in instead of being buffered whole. Sans-IO: the caller reads
/// the socket, `append`s what it read, and drains `next()` until it returns nil.
///
/// After `.failed` the rest of the request cannot be told apart from a new one, so, like
/// wireguard-go, the caller answers with the error and closes; the decoder yields nothing
/// more. After `.unknownRequest` the caller closes without answering.
public struct UAPIRequestDecoder {
    public enum Event: Equatable, Sendable {
        /// `get=1` and its blank line: answer with the device's state.
        case get
        /// One line of a `set=1` request: apply it now, in order.
        case set(UAPISetOperation)
        /// The blank line ending a `set=1`: answer `errno=0`.
        case setCompleted
        /// Answer `errno=-N` and close.
        case failed(UAPIError)
        /// Neither `get=1` nor `set=1`: close without answering.
        case unknownRequest
    }

    /// No valid line comes near this; a peer that sends more without a newline is not
    /// speaking the protocol.
    public static let maximumLineLength = 4096

    private enum State {
        case awaitingRequest
        case awaitingGetEnd
        case inSet(UAPISetLineParser)
        case finished
    }

    private var state = State.awaitingRequest
    private var buffer: [UInt8] = []
    /// Where unread bytes start; consumed bytes are dropped in batches, not per line.
    private var readIndex = 0

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if case .finished = state { return }
        buffer.append(contentsOf: bytes)
    }

    /// The next event the bytes so far complete, or nil until more bytes arrive.
    public mutating func next() -> Event? {
        while true {
            if case .finished = state { return nil }
            guard let line = nextLine() else {
                guard buffer.count - readIndex <= Self.maximumLineLength else {
                    return finish(.failed(.io("a line longer than \(Self.maximumLineLength) bytes")))
                }
                return nil
            }
            if let event = handle(line) { return event }
        }
    }

    private mutating func handle(_ line: Substring) -> Event? {
        switch state {
        case .awaitingRequest:
            switch line {
            case "get=1": state = .awaitingGetEnd
            case "set=1": state = .inSet(UAPISetLineParser())
            default: return finish(.unknownRequest)
            }
            return nil
        case .awaitingGetEnd:
            guard line.isEmpty else { return finish(.failed(.invalid("get=1 must be followed by an empty line"))) }
            state = .awaitingRequest
            return .get
        case .inSet(var parser):
            if line.isEmpty {
                state = .awaitingRequest
                return .setCompleted
            }
            do {
                let operation = try parser.parse(line)
                state = .inSet(parser)
                return .set(operation)
            } catch {
                return finish(.failed(error))
            }
        case .finished:
            return nil
        }
    }

    private mutating func finish(_ event: Event) -> Event {
        state = .finished
        buffer = []
        readIndex = 0
        return event
    }

    private mutating func nextLine() -> Substring? {
        guard let newline = buffer[readIndex...].firstIndex(of: UInt8(ascii: "\n")) else {
            compact()
            return nil
        }
        guard newline - readIndex <= Self.maximumLineLength else { return nil }
        let line = String(decoding: buffer[readIndex..<newline], as: UTF8.self)
        readIndex = newline + 1
        return line[...]
    }

    /// Drops consumed bytes once they are the larger part of the buffer: linear overall.
    private mutating func compact() {
        guard readIndex > 0, readIndex >= buffer.count - readIndex else { return }
        buffer.removeFirst(readIndex)
        readIndex = 0
    }
}
