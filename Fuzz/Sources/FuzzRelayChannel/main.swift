import CLibFuzzer
import Glibc
import HorizonDevice
import HorizonUDP

/// Feeds arbitrary datagrams to the ChannelData header codec and to the device's unwrapping,
/// as its receive loop does with everything it reads. A datagram the codec accepts has a
/// channel number and its data inside it with at most 3 bytes after, and writing the header
/// back gives its first 4 bytes; the device unwraps only such datagrams, and only when the
/// data starts like a WireGuard message; framing that message again on the same channel
/// gives the same datagram minus the padding.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzRelayChannel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let header = ChannelDataHeader.size
    let valid = ChannelDataHeader(validating: input)
    if let valid {
        precondition(ChannelDataHeader.channels.contains(valid.channel), "not a channel number")
        precondition(header + valid.length <= size && size - header - valid.length <= 3, "length out of bounds")
        var written = [UInt8](repeating: 0, count: header)
        written.withUnsafeMutableBytes { valid.write(to: $0.baseAddress!) }
        precondition(written == Array(input.prefix(header)), "header does not round-trip")
    }

    guard let unwrapped = RelayChannelFraming.unwrap(input) else { return 0 }
    precondition(unwrapped == valid, "unwrapped what the codec refuses")
    let length = unwrapped.length
    precondition((1...4).contains(input[header]) && input[header + 1] == 0, "not a WireGuard message")

    var slot = [UInt8](repeating: 0, count: header) + Array(input[header..<(header + length)])
    let framed = slot.withUnsafeMutableBytes { Array(RelayChannelFraming.frame($0.baseAddress! + header, length: length, channel: unwrapped.channel)) }
    precondition(framed == Array(input[0..<(header + length)]), "no round trip")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzRelayChannel))
