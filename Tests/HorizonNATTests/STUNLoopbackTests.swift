import HorizonCore
import HorizonUDP
import Testing
@testable import HorizonNAT

/// `STUNClient` against `STUNServer` over real loopback sockets.
@Suite struct STUNLoopbackTests {
    static let loopback4 = IPAddress.v4(IPv4Address(127, 0, 0, 1))
    static let loopback6 = IPAddress.v6(IPv6Address(high: 0, low: 1))
    static let fast = STUNRetransmission(initialRTO: .milliseconds(20), requestCount: 3, lastWaitMultiplier: 2)

    @Test(arguments: [false, true])
    func clientLearnsItsAddressFromTheServer(ipv6: Bool) throws {
        let family: UDPSocket.Family = ipv6 ? .ipv6 : .ipv4
        let loopback = ipv6 ? Self.loopback6 : Self.loopback4
        let serverSocket = try UDPSocket(family: family, address: loopback)
        let server = STUNServer(sockets: [serverSocket], responder: STUNResponder(software: "hzs-server"))
        server.start()
        defer { server.stop() }
        let clientSocket = try UDPSocket(family: family, address: loopback)
        let client = STUNClient(socket: clientSocket, software: "hzs-client")
        for _ in 0..<3 {
            let mapped = try client.reflexiveAddress(from: UDPAddress(ip: loopback, port: serverSocket.port), policy: Self.fast)
            #expect(mapped == UDPAddress(ip: loopback, port: clientSocket.port))
        }
        let counters = server.stop()
        #expect(counters.answered >= 3)
        #expect(counters.received == counters.answered + counters.ignored)
    }

    /// The convenience server: both families on one port (wildcard-bound; only loopback talks to it).
    @Test func dualStackServerAnswersBothFamiliesOnOnePort() throws {
        let server = try STUNServer(port: 0)
        server.start()
        defer { server.stop() }
        #expect(server.sockets.count == 2)
        let port = server.sockets[0].port
        for (family, loopback) in [(UDPSocket.Family.ipv4, Self.loopback4), (.ipv6, Self.loopback6)] {
            let socket = try UDPSocket(family: family, address: loopback)
            let mapped = try STUNClient(socket: socket).reflexiveAddress(from: UDPAddress(ip: loopback, port: port), policy: Self.fast)
            #expect(mapped == UDPAddress(ip: loopback, port: socket.port))
        }
    }

    @Test func serverIgnoresNonSTUNAndStopsPromptly() throws {
        let serverSocket = try UDPSocket(family: .ipv4, address: Self.loopback4)
        let server = STUNServer(sockets: [serverSocket])
        server.start()
        let sender = try UDPSocket(family: .ipv4, address: Self.loopback4)
        let junk: [UInt8] = [4, 0, 0, 0] + [UInt8](repeating: 7, count: 60)
        junk.withUnsafeBytes { raw in
            let batch = UDPSendBatch(capacity: 1)
            batch.append(raw, to: UDPAddress(ip: Self.loopback4, port: serverSocket.port))
            _ = sender.send(batch)
        }
        // The junk is read before this request's answer, which proves it was seen.
        let client = STUNClient(socket: sender)
        _ = try client.reflexiveAddress(from: UDPAddress(ip: Self.loopback4, port: serverSocket.port), policy: Self.fast)
        let before = MonotonicTime.now()
        let counters = server.stop()
        #expect(MonotonicTime.now().since(before) < .seconds(2))
        #expect(counters.ignored >= 1)
        #expect(counters.answered >= 1)
    }

    @Test func clientTimesOutWithAClearError() throws {
        let silent = try UDPSocket(family: .ipv4, address: Self.loopback4)   // bound, never answers
        let client = STUNClient(socket: try UDPSocket(family: .ipv4, address: Self.loopback4))
        let server = UDPAddress(ip: Self.loopback4, port: silent.port)
        let started = MonotonicTime.now()
        #expect {
            _ = try client.reflexiveAddress(from: server, policy: Self.fast)
        } throws: { error in
            guard case STUNClientError.timedOut(server, 3, _) = error else { return false }
            return "\(error)".contains("did not answer 3 requests")
        }
        // 20 + 40 ms between sends, then 2 × 20 ms: about 100 ms.
        #expect(MonotonicTime.now().since(started) >= .milliseconds(100))
        _ = silent
    }

    @Test func clientRefusesTheOtherFamily() throws {
        let client = STUNClient(socket: try UDPSocket(family: .ipv4, address: Self.loopback4))
        #expect(throws: STUNClientError.wrongFamily(server: UDPAddress(ip: Self.loopback6, port: 3478))) {
            try client.reflexiveAddress(from: UDPAddress(ip: Self.loopback6, port: 3478))
        }
    }
}
