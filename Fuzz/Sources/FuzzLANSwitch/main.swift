import CLibFuzzer
import Glibc
import HorizonCore
import HorizonLAN

/// Drives one switch with a stream of frames cut from the input. Each record is a port byte
/// (0 = local, 1–4 = members, 5 = a stranger; bit 7 advances the clock a second), a length
/// byte and that many frame bytes. Whatever the frames, a frame from a member is never sent
/// on to another member (split horizon), unicast only goes to a member, and the counters
/// add up to the frames seen.

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzLANSwitch(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var lan = LANSwitch<UInt8>(table: MACTable(ageing: .seconds(5), capacity: 8), limiter: FloodRateLimiter(rate: 10, burst: 3))
    for member: UInt8 in 1...4 { lan.join(member) }
    var now = MonotonicTime(nanoseconds: 1_000_000_000)
    var offset = 0
    var seen: UInt64 = 0
    while offset + 2 <= input.count {
        let control = input[offset], length = Int(input[offset + 1])
        offset += 2
        let frame = UnsafeRawBufferPointer(rebasing: input[offset..<min(input.count, offset + length)])
        offset += frame.count
        if control & 0x80 != 0 { now = now + .seconds(1) }
        let portNumber = control & 0x07
        if portNumber == 6 { lan.leave(3); continue }
        let port: LANSwitch<UInt8>.Port = portNumber == 0 ? .local : .member(min(portNumber, 5))
        let action = lan.forward(frame: frame, from: port, at: now)
        seen += 1
        switch (port, action) {
        case (.member, .flood), (.member, .send):
            preconditionFailure("a member's frame was passed on: \(action)")
        case (.local, .send(let member)):
            precondition(lan.members.contains(member), "unicast to a non-member")
        default:
            break
        }
    }
    let counters = lan.counters
    precondition(counters.fromLocal + counters.fromMembers == seen, "every frame is counted once")
    precondition(counters.deliveredLocally + counters.unicastSent + counters.flooded + counters.totalDropped == seen,
                 "every frame has exactly one outcome")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzLANSwitch))
