import CLibFuzzer
import Glibc
import HorizonDevice
import HorizonLAN

/// Feeds arbitrary text to the configuration file parser, in both dialects: it may refuse it
/// but must not crash, must point at a line that exists, and must answer the same way twice;
/// [LAN] sections it accepts have unique tags and only peers of the file as members.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzWireGuardConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for dialect in [WireGuardConfig.Dialect.wireGuard, .horizon] {
        check(text, dialect: dialect)
    }
    return 0
}

private func check(_ text: String, dialect: WireGuardConfig.Dialect) {
    let first = Result { () throws(WireGuardConfigError) in try WireGuardConfig.parse(text, fileName: "fuzz.conf", dialect: dialect) }
    let second = Result { () throws(WireGuardConfigError) in try WireGuardConfig.parse(text, fileName: "fuzz.conf", dialect: dialect) }
    precondition(first == second, "parsing is not deterministic")
    switch first {
    case .success(let config):
        let peers = Set(config.peers.map(\.publicKey))
        precondition(peers.count == config.peers.count, "duplicate peer accepted")
        precondition(dialect == .horizon || config.lans.isEmpty, "[LAN] accepted by the wg dialect")
        precondition(Set(config.lans.map(\.tag)).count == config.lans.count, "duplicate LAN tag accepted")
        precondition(config.lans.allSatisfy { $0.members.allSatisfy(peers.contains) }, "a LAN member that is no peer")
    case .failure(let error):
        let lineCount = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.count
        precondition((1...lineCount).contains(error.line), "error on line \(error.line) of \(lineCount)")
    }
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzWireGuardConfig))
