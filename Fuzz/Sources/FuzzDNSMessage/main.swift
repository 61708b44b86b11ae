import CLibFuzzer
import Glibc
import HorizonCore
import HorizonDiscovery

/// Feeds arbitrary datagrams to the DNS parser, as a node's mDNS listener does with whatever a
/// LAN member multicasts. A parsed message must encode to one that parses again, and the
/// service catalog must take it in and list what it has without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzDNSMessage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = [UInt8](UnsafeBufferPointer(start: data, count: size))
    guard let message = DNSMessage.parse(input) else { return 0 }
    precondition(DNSMessage.parse(message.bytes) != nil, "an encoded message does not parse")
    var catalog = ServiceCatalog()
    let now = MonotonicTime(nanoseconds: 1_000_000_000)
    catalog.ingest(message, from: "10.0.0.1", at: now)
    _ = catalog.services(at: now)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzDNSMessage))
