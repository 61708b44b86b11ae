#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import Testing
@testable import HorizonUDP

/// Two real sockets on loopback exchanging batches.
@Suite struct UDPLoopbackTests {
    static let v4Loopback = IPAddress.v4(IPv4Address(127, 0, 0, 1))
    static let v6Loopback = IPAddress.v6(IPv6Address(high: 0, low: 1))

    /// Datagram `i` carries its index in the first two bytes, then a pattern.
    static func payloads(_ sizes: [Int]) -> [[UInt8]] {
        sizes.enumerated().map { i, size in
            [UInt8(i >> 8), UInt8(i & 0xFF)] + (2..<max(size, 2)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
        }
    }

    /// Receives until `expected` datagrams arrived or a receive times out.
    static func receiveAll(_ socket: UDPSocket, expected: Int, batch: UDPReceiveBatch = UDPReceiveBatch())
        -> (datagrams: [(bytes: [UInt8], source: UDPAddress, destination: LocalAddress?)], messages: Int) {
        socket.setReceiveTimeout(milliseconds: 2000)
        var got: [(bytes: [UInt8], source: UDPAddress, destination: LocalAddress?)] = []
        var messages = 0
        for _ in 0..<expected where got.count < expected {
            guard socket.receive(into: batch) > 0 else { break }
            messages += batch.messageCount
            for i in 0..<batch.count {
                let d = batch.datagram(i)
                got.append((Array(d.bytes), d.source, d.destination))
            }
        }
        return (got, messages)
    }

    /// Sends `payloads[i]` to `destinations[i]` (or all to `destination`) in one batch.
    static func send(_ payloads: [[UInt8]], from socket: UDPSocket, to destination: UDPAddress? = nil,
                     destinations: [UDPAddress] = [], source: LocalAddress? = nil) -> UDPSendResult {
        let batch = UDPSendBatch(capacity: max(payloads.count, 1))
        let storage = payloads.map { p -> UnsafeMutableRawBufferPointer in
            let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(p.count, 1), alignment: 8)
            b.copyBytes(from: p)
            return b
        }
        defer { storage.forEach { $0.deallocate() } }
        for (i, (p, b)) in zip(payloads, storage).enumerated() {
            batch.append(UnsafeRawBufferPointer(rebasing: b[0..<p.count]), to: destination ?? destinations[i], from: source)
        }
        return socket.send(batch)
    }

    @Test func thisKernelHasUDPGSOAndGRO() throws {
        let socket = try UDPSocket(family: .ipv4, address: Self.v4Loopback)
        #expect(socket.sendsSegmented)
        #expect(socket.receivesCoalesced)
    }

    @Test(arguments: [false, true])
    func equalSizedRunGoesOutAsOneGSOMessageAndArrivesCoalesced(ipv6: Bool) throws {
        let family: UDPSocket.Family = ipv6 ? .ipv6 : .ipv4
        let loopback = ipv6 ? Self.v6Loopback : Self.v4Loopback
        let receiver = try UDPSocket(family: family, address: loopback)
        let sender = try UDPSocket(family: family, address: loopback)
        let payloads = Self.payloads(Array(repeating: 1200, count: 40) + [333])

        let result = Self.send(payloads, from: sender, to: UDPAddress(ip: loopback, port: receiver.port))
        #expect(result.sent == 41)
        #expect(result.dropped == 0)
        if sender.sendsSegmented { #expect(result.messages == 1) }

        let (datagrams, messages) = Self.receiveAll(receiver, expected: 41)
        #expect(datagrams.map(\.bytes) == payloads)
        #expect(datagrams.allSatisfy { $0.source == UDPAddress(ip: loopback, port: sender.port) })
        #expect(datagrams.allSatisfy { $0.destination?.ip == loopback })
        #expect(datagrams.allSatisfy { ($0.destination?.interfaceIndex ?? 0) == if_nametoindex("lo") })
        if receiver.receivesCoalesced && sender.sendsSegmented { #expect(messages < 41, "GRO kept the train whole") }
    }

    @Test func runsBreakOnDestinationAndSizeChanges() throws {
        let receiverA = try UDPSocket(family: .ipv4, address: Self.v4Loopback)
        let receiverB = try UDPSocket(family: .ipv4, address: Self.v4Loopback)
        let sender = try UDPSocket(family: .ipv4, address: Self.v4Loopback)
        try #require(sender.sendsSegmented)
        let a = UDPAddress(ip: Self.v4Loopback, port: receiverA.port)
        let b = UDPAddress(ip: Self.v4Loopback, port: receiverB.port)
        let payloads = Self.payloads([1000, 1000, 500, 1000, 1000, 1000, 1000])
        let destinations = [a, a, a, a, b, b, a]

        let result = Self.send(payloads, from: sender, destinations: destinations)
        // [1000 1000 500] [1000] [1000 1000 → b] [1000]: a short datagram closes a run.
        #expect(result.messages == 4)
        #expect(result.sent == 7)
        #expect(result.syscalls == 1)
        #expect(Self.receiveAll(receiverA, expected: 5).datagrams.map(\.bytes)
                == [payloads[0], payloads[1], payloads[2], payloads[3], payloads[6]])
        #expect(Self.receiveAll(receiverB, expected: 2).datagrams.map(\.bytes) == [payloads[4], payloads[5]])
    }

    /// The reply leaves from the address the request was sent to, not the one routing
    /// would pick: 127.0.0.2 instead of 127.0.0.1.
    @Test func repliesFromTheAddressTheRequestArrivedOn() throws {
        let server = try UDPSocket(family: .ipv4)                  // bound to any address
        let client = try UDPSocket(family: .ipv4, address: Self.v4Loopback)
        let secondary = IPAddress.v4(IPv4Address(127, 0, 0, 2))

        _ = Self.send([[1, 2, 3]], from: client, to: UDPAddress(ip: secondary, port: server.port))
        let request = try #require(Self.receiveAll(server, expected: 1).datagrams.first)
        let local = try #require(request.destination)
        #expect(local.ip == secondary)

        let reply = Self.send([[4, 5, 6]], from: server, to: request.source, source: local)
        #expect(reply.sent == 1)
        let answer = try #require(Self.receiveAll(client, expected: 1).datagrams.first)
        #expect(answer.bytes == [4, 5, 6])
        #expect(answer.source == UDPAddress(ip: secondary, port: server.port))
    }

    @Test func dualStackSharesOnePortAndRoutesByFamily() throws {
        let server = try DualStackUDP()
        let ipv6 = try #require(server.ipv6)
        #expect(ipv6.port == server.ipv4.port)
        let client = try DualStackUDP()

        let batch = UDPSendBatch(capacity: 4)
        let bytes: [UInt8] = [9, 8, 7]
        let result = bytes.withUnsafeBytes { raw -> UDPSendResult in
            batch.append(raw, to: UDPAddress(ip: Self.v4Loopback, port: server.port))
            batch.append(raw, to: UDPAddress(ip: Self.v6Loopback, port: server.port))
            return client.send(batch)
        }
        #expect(result.sent == 2)
        #expect(Self.receiveAll(server.ipv4, expected: 1).datagrams.map(\.bytes) == [bytes])
        #expect(Self.receiveAll(ipv6, expected: 1).datagrams.map(\.bytes) == [bytes])
    }

    @Test func receiveTimesOutWithEAGAIN() throws {
        let socket = try UDPSocket(family: .ipv4, address: Self.v4Loopback)
        socket.setReceiveTimeout(milliseconds: 50)
        #expect(socket.receive(into: UDPReceiveBatch(messageSlots: 2)) == -Int(EAGAIN))
    }

    @Test func aFailedDatagramIsCountedAndTheRestStillGo() throws {
        let receiver = try UDPSocket(family: .ipv4, address: Self.v4Loopback)
        let sender = try UDPSocket(family: .ipv4, address: Self.v4Loopback)
        let oversized = [UInt8](repeating: 1, count: 70_000)   // beyond any UDP datagram
        let result = Self.send([oversized, [2, 2]], from: sender, to: UDPAddress(ip: Self.v4Loopback, port: receiver.port))
        #expect(result.dropped == 1)
        #expect(result.lastErrno == EMSGSIZE)
        #expect(result.sent == 1)
        #expect(Self.receiveAll(receiver, expected: 1).datagrams.map(\.bytes) == [[2, 2]])

        let otherFamily = Self.send([[1]], from: sender, to: UDPAddress(ip: Self.v6Loopback, port: 9))
        #expect(otherFamily == UDPSendResult(), "a v6 destination is not this v4 socket's to send")
    }

    @Test func addressesRoundTripThroughSockaddr() throws {
        var storage = sockaddr_storage()
        for address in [UDPAddress(ip: .v4(IPv4Address(192, 0, 2, 1)), port: 51820),
                        UDPAddress(ip: .v6(try #require(IPv6Address("2001:db8::1"))), port: 1)] {
            let back = withUnsafeMutableBytes(of: &storage) { raw -> UDPAddress? in
                _ = address.write(sockaddr: raw.baseAddress!)
                return UDPAddress(sockaddr: raw.baseAddress!)
            }
            #expect(back == address)
        }
    }
}
