import ArgumentParser
import HorizonCore
import HorizonCrypto

/// `horizon pubkey`: like `wg pubkey`, reads a private key on stdin, prints its public key.
struct PubKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pubkey",
        abstract: "Read a private key on stdin and print its public key, like `wg pubkey`.",
        discussion: "Example: horizon genkey | tee private.key | horizon pubkey > public.key"
    )

    func run() throws {
        let line = readLine(strippingNewline: true)?.trimmingWhitespace() ?? ""
        guard let key = PrivateKey(base64: line) else {
            throw CLIError("stdin does not hold a base64 private key (32 bytes, as printed by `horizon genkey`)")
        }
        print(key.publicKey.base64)
    }
}
