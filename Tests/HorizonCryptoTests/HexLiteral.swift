import HorizonCore

/// Bytes from a hex literal in a test vector (spaces allowed); traps on a typo in the test.
func hex(_ text: String) -> [UInt8] {
    Hex.decode(text.filter { !$0.isWhitespace })!
}

/// The byte sequence 00 01 02 ... used by the BLAKE2 and XChaCha reference vectors.
func counting(_ count: Int, from start: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: start + $0) }
}
