import HorizonCore
import HorizonUDP

/// Asks STUN servers for this socket's server-reflexive address (what a NAT maps it to):
/// a Binding request driven by `STUNTransaction`, over a `UDPSocket` the caller owns.
/// Blocking; one request at a time per client. Datagrams that do not answer the request
/// are read and dropped.
public final class STUNClient {
    public let socket: UDPSocket
    public var software: String?
    private let receiveBatch = UDPReceiveBatch(messageSlots: 8, bufferSize: 2048)
    private let sendBatch = UDPSendBatch(capacity: 1)

    public init(socket: UDPSocket, software: String? = nil) {
        self.socket = socket
        self.software = software
    }

    /// The address `server` saw our request come from.
    public func reflexiveAddress(from server: UDPAddress, policy: STUNRetransmission = .rfc8489) throws(STUNClientError) -> UDPAddress {
        guard server.ip.isIPv4 == (socket.family == .ipv4) else { throw .wrongFamily(server: server) }
        var request = STUNMessage(type: .bindingRequest)
        if let software { request.attributes.append(.software(software)) }
        let started = MonotonicTime.now()
        var transaction = STUNTransaction(request: request, policy: policy, now: started)
        try send(transaction.request, to: server)
        while true {
            if let response = awaitResponse(to: transaction, from: server) {
                if let error = response.errorCode { throw .errorResponse(server: server, error) }
                guard let address = response.reflexiveAddress else { throw .noMappedAddress(server: server) }
                return address
            }
            switch transaction.step(now: .now()) {
            case .wait: continue
            case .retransmit: try send(transaction.request, to: server)
            case .timedOut: throw .timedOut(server: server, requests: transaction.sends, after: MonotonicTime.now().since(started))
            }
        }
    }

    /// Reads until the transaction's deadline; the response if it came from `server`.
    private func awaitResponse(to transaction: STUNTransaction, from server: UDPAddress) -> STUNMessage? {
        while true {
            let remaining = transaction.deadline.since(.now())
            guard remaining > .zero else { return nil }
            socket.setReceiveTimeout(milliseconds: max(1, Int(remaining.totalNanoseconds / 1_000_000)))
            guard socket.receive(into: receiveBatch) > 0 else { continue }
            for i in 0..<receiveBatch.count {
                let datagram = receiveBatch.datagram(i)
                guard datagram.source == server,
                      let response = transaction.response(in: Array(datagram.bytes)) else { continue }
                return response
            }
        }
    }

    private func send(_ bytes: [UInt8], to server: UDPAddress) throws(STUNClientError) {
        let result = bytes.withUnsafeBytes { raw in
            sendBatch.removeAll()
            sendBatch.append(raw, to: server)
            return socket.send(sendBatch)
        }
        sendBatch.removeAll()
        guard result.sent == 1 else { throw .sendFailed(server: server, errno: result.lastErrno) }
    }
}
