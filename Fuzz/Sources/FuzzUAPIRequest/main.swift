import CLibFuzzer
import Glibc
import HorizonCore
import HorizonDevice

/// Feeds arbitrary bytes to the UAPI request decoder, whole and split at a point chosen by
/// the input: how the bytes arrive must not change the events. Allowed IPs it accepts go
/// into an AllowedIPs table, where each must then belong to its peer and route somewhere
/// (to its peer, or to a longer prefix inside it).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzUAPIRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = events(of: [bytes[...]])
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    precondition(events(of: [bytes[..<split], bytes[split...]]) == whole, "events depend on chunking")

    var table = AllowedIPs()
    var peer: UInt32 = 0
    for event in whole {
        switch event {
        case .set(.peer): peer += 1
        case .set(.allowedIP(let prefix)):
            table.insert(prefix, for: PeerIndex(peer))
            precondition(table.prefixes(for: PeerIndex(peer)).contains(prefix.masked), "allowed IP not stored for its peer")
            precondition(table.lookup(prefix.address) != nil, "allowed IP routes nowhere")
        default: break
        }
    }
    return 0
}

func events(of chunks: [ArraySlice<UInt8>]) -> [UAPIRequestDecoder.Event] {
    var decoder = UAPIRequestDecoder()
    var result: [UAPIRequestDecoder.Event] = []
    for chunk in chunks {
        decoder.append(chunk)
        while let event = decoder.next() { result.append(event) }
    }
    return result
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzUAPIRequest))
