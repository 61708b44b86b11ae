#if canImport(Glibc)
import Glibc
#endif
import HorizonNetnsKit
import Testing
@testable import HorizonTUN

/// Real TUN/TAP devices, created inside a namespace of the test's own.
@Suite(.enabled(if: NetworkNamespace.isAvailable, "needs root and /dev/net/tun"))
struct TUNDeviceTests {
    @Test func opensWithOffloadsAndManagesTheInterface() throws {
        let ns = try NetworkNamespace(prefix: "hzio")
        let tun = try ns.run { try TUNDevice(name: "hzio%d") }
        defer { tun.close() }
        #expect(tun.name.hasPrefix("hzio") && !tun.name.contains("%"), "kernel-chosen name: \(tun.name)")
        #expect(tun.hasVirtioHeader)
        #expect(tun.offloads.isSuperset(of: [.checksum, .tcpSegmentation]))
        #expect(tun.offloads.contains(.udpSegmentation), "Linux 6.2+ accepts USO")

        let (mtu, upThenDown) = try ns.run { () throws -> (Int, [Bool]) in
            try tun.setMTU(1420)
            var states = [try tun.isUp()]
            try tun.setUp(true)
            states.append(try tun.isUp())
            try tun.setUp(false)
            states.append(try tun.isUp())
            return (try tun.mtu(), states)
        }
        #expect(mtu == 1420)
        #expect(upThenDown == [false, true, false])
    }

    @Test func tapsNegotiateOffloadsLikeTunsAndPlainDevicesHaveNone() throws {
        let ns = try NetworkNamespace(prefix: "hzio")
        let (tap, plainTap, plain) = try ns.run {
            (try TUNDevice(name: "hziotap%d", kind: .tap), try TUNDevice(kind: .tap, offloads: false), try TUNDevice(offloads: false))
        }
        defer { tap.close(); plainTap.close(); plain.close() }
        #expect(tap.name.hasPrefix("hziotap"))
        #expect(tap.hasVirtioHeader && tap.offloads.contains(.tcpSegmentation))
        #expect(!plainTap.hasVirtioHeader && plainTap.offloads.isEmpty)
        #expect(!plain.hasVirtioHeader && plain.offloads.isEmpty)
    }

    @Test func reportsWhatFailedInWords() throws {
        #expect(throws: TUNError.self) { try TUNDevice(name: String(repeating: "x", count: 20)) }
        let error = TUNError("cannot open /dev/net/tun as 'wg0'", errno: EPERM)
        #expect(error.description.contains("run as root or grant CAP_NET_ADMIN"))
    }
}
