import CLibFuzzer
import Glibc
import HorizonCore

/// Feeds arbitrary text to every HorizonCore parser: none may crash, and whatever parses
/// must print back to text that parses to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCoreParsers(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let prefix = IPPrefix(text) {
        precondition(IPPrefix(prefix.description) == prefix, "IPPrefix round trip")
    }
    if let endpoint = Endpoint(text) {
        precondition(Endpoint(endpoint.description) == endpoint, "Endpoint round trip")
    }
    if let bytes = Base64.decode(text) {
        precondition(Base64.encode(bytes) == text, "Base64 round trip")
    }
    if let mac = MACAddress(text) {
        precondition(MACAddress(mac.description) == mac, "MACAddress round trip")
    }
    if let bytes = Hex.decode(text) {
        precondition(Hex.decode(Hex.encode(bytes)) == bytes, "Hex round trip")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzCoreParsers))
