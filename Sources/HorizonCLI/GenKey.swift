import ArgumentParser
import HorizonCrypto

/// `horizon genkey`: like `wg genkey`, a new base64 private key on stdout.
struct GenKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genkey",
        abstract: "Print a new random private key (base64), like `wg genkey`.",
        discussion: "Keep it secret: umask 077; horizon genkey > private.key"
    )

    func run() {
        print(X25519.generatePrivateKey().base64)
    }
}
