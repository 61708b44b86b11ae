import CLibFuzzer
import Glibc
import HorizonDevice

/// Feeds arbitrary text to the configuration file parser: it may refuse it but must not
/// crash, must point at a line that exists, and must answer the same way twice.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzWireGuardConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let first = Result { () throws(WireGuardConfigError) in try WireGuardConfig.parse(text, fileName: "fuzz.conf") }
    let second = Result { () throws(WireGuardConfigError) in try WireGuardConfig.parse(text, fileName: "fuzz.conf") }
    precondition(first == second, "parsing is not deterministic")
    switch first {
    case .success(let config):
        precondition(Set(config.peers.map(\.publicKey)).count == config.peers.count, "duplicate peer accepted")
    case .failure(let error):
        let lineCount = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.count
        precondition((1...lineCount).contains(error.line), "error on line \(error.line) of \(lineCount)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzWireGuardConfig))
