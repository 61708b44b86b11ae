/// The parts of a DNS message (RFC 1035 §4) that DNS-SD over multicast DNS (RFC 6762, 6763)
/// needs: questions and resource records of the types that describe a service, the others
/// kept by type number only. Parsing never traps: a malformed message is nil.
public struct DNSMessage: Equatable, Sendable {
    public var id: UInt16
    public var isResponse: Bool
    public var questions: [Question]
    /// Answers, authority and additional records, in that order.
    public var records: [Record]

    public struct Question: Equatable, Sendable {
        public var name: DNSName
        public var type: UInt16
        /// The mDNS "unicast response" bit (RFC 6762 §5.4) travels in the class field.
        public var unicastResponse: Bool

        public init(name: DNSName, type: UInt16, unicastResponse: Bool) {
            self.name = name
            self.type = type
            self.unicastResponse = unicastResponse
        }
    }

    public struct Record: Equatable, Sendable {
        public var name: DNSName
        /// Seconds; 0 is an mDNS goodbye (RFC 6762 §10.1).
        public var ttl: UInt32
        public var data: RecordData

        public init(name: DNSName, ttl: UInt32, data: RecordData) {
            self.name = name
            self.ttl = ttl
            self.data = data
        }
    }

    public enum RecordData: Equatable, Sendable {
        case a([UInt8])
        case aaaa([UInt8])
        case ptr(DNSName)
        case srv(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName)
        case txt([String])
        case other(type: UInt16)
    }

    public enum RecordType {
        public static let a: UInt16 = 1
        public static let ptr: UInt16 = 12
        public static let txt: UInt16 = 16
        public static let aaaa: UInt16 = 28
        public static let srv: UInt16 = 33
    }

    public init(id: UInt16 = 0, isResponse: Bool, questions: [Question] = [], records: [Record] = []) {
        self.id = id
        self.isResponse = isResponse
        self.questions = questions
        self.records = records
    }
}
