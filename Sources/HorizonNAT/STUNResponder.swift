import HorizonCore
import HorizonUDP

/// Answers STUN Binding requests (RFC 8489 §6.3), sans-IO: request bytes and the address
/// they came from in, response bytes (or nothing) out. Used by `STUNServer` and meant for
/// any socket that receives STUN, such as a node's WireGuard port.
///
/// - Binding request: success with XOR-MAPPED-ADDRESS of the source, SOFTWARE, FINGERPRINT.
/// - A request with a comprehension-required attribute it does not know: 420 listing them.
/// - A request it cannot parse past the header, or for another method: 400.
/// - Indications, responses, non-STUN bytes and a wrong FINGERPRINT: silence.
public struct STUNResponder: Sendable {
    /// Sent as SOFTWARE in every answer; nil leaves it out.
    public var software: String?

    public init(software: String? = "Horizon \(HorizonVersion.current)") {
        self.software = software
    }

    public func respond(to request: [UInt8], from source: UDPAddress) -> [UInt8]? {
        guard let header = try? STUNHeader.parse(request), header.type.messageClass == .request else { return nil }
        let received: STUNReceivedMessage
        do {
            received = try STUNReceivedMessage.parse(request)
        } catch .fingerprintMismatch {
            return nil
        } catch {
            return answer(header, error: .badRequest("Bad Request: \(error)"))
        }
        if !received.unknownComprehensionRequired.isEmpty {
            return answer(header, error: .unknownAttribute(), extra: [.unknownAttributes(received.unknownComprehensionRequired)])
        }
        guard header.type.method == .binding else {
            return answer(header, error: .badRequest("Unsupported method \(header.type.method)"))
        }
        var response = STUNMessage(type: .bindingSuccess, transactionID: header.transactionID,
                                   attributes: [.xorMappedAddress(source)])
        if let software { response.attributes.append(.software(software)) }
        return response.encoded(fingerprint: true)
    }

    public func respond(to request: UnsafeRawBufferPointer, from source: UDPAddress) -> [UInt8]? {
        respond(to: Array(request), from: source)
    }

    private func answer(_ request: STUNHeader, error: STUNErrorCode, extra: [STUNAttribute] = []) -> [UInt8] {
        var response = STUNMessage(type: STUNMessageType(method: request.type.method, messageClass: .errorResponse),
                                   transactionID: request.transactionID, attributes: [.errorCode(error)] + extra)
        if let software { response.attributes.append(.software(software)) }
        return response.encoded(fingerprint: true)
    }
}
