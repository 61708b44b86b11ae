import CLibFuzzer
import Glibc
import HorizonCore
import HorizonLAN

/// Feeds arbitrary decrypted plaintext to the Horizon frame parser, as the receive path does
/// with everything whose first byte is below 0x40, then hands an accepted frame to a switch
/// as coming from a member. The parser must never claim bytes beyond the input, must read
/// back what it would write, and a member's frame may only ever be delivered locally or dropped.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzHorizonFrame(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard case .ethernet(let tag, let length) = HorizonFrameHeader.parse(input) else { return 0 }
    let padding = Int(input[0] & 0x0F)
    precondition(length >= EthernetHeader.length && HorizonFrameHeader.size + length + padding == size, "length out of bounds")

    var copy = [UInt8](input)
    copy.withUnsafeMutableBytes { HorizonFrameHeader(tag: tag, padding: padding).write(to: $0.baseAddress!) }
    precondition(copy.withUnsafeBytes { HorizonFrameHeader.parse($0) } == .ethernet(tag: tag, length: length), "no round trip")

    var lan = LANSwitch<UInt8>()
    lan.join(1)
    let frame = UnsafeRawBufferPointer(rebasing: input[HorizonFrameHeader.size..<(HorizonFrameHeader.size + length)])
    switch lan.forward(frame: frame, from: .member(1), at: MonotonicTime(nanoseconds: 1_000_000_000)) {
    case .deliverLocally, .drop: break
    case .flood, .send: preconditionFailure("a member's frame was passed on")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzHorizonFrame))
