import CLibFuzzer
import Glibc
import HorizonDevice

/// Feeds arbitrary datagrams to the device's ChannelData unwrapping, as its receive loop
/// does with everything it reads: an accepted datagram's WireGuard message must lie inside
/// it (at most 3 bytes of padding after), start like a WireGuard message, and framing that
/// message again on the same channel must give the same datagram minus the padding.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzRelayChannel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let (channel, length) = RelayChannelFraming.unwrap(input)
    guard channel != 0 else { return 0 }
    let header = RelayChannelFraming.headerSize
    precondition(RelayChannelFraming.channels.contains(channel), "not a channel number")
    precondition(length >= 4 && header + length <= size && size - header - length <= 3, "length out of bounds")
    precondition((1...4).contains(input[header]) && input[header + 1] == 0, "not a WireGuard message")

    var slot = [UInt8](repeating: 0, count: header) + Array(input[header..<(header + length)])
    let framed = slot.withUnsafeMutableBytes { Array(RelayChannelFraming.frame($0.baseAddress! + header, length: length, channel: channel)) }
    precondition(framed == Array(input[0..<(header + length)]), "no round trip")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzRelayChannel))
