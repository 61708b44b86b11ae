import Testing
@testable import HorizonTUN

@Suite struct InternetChecksumTests {
    /// Every length from 0 to 200 and a few alignments, against the byte-pair reference.
    @Test func matchesTheReferenceForAllSmallLengthsAndOffsets() {
        let bytes = pattern(1600, seed: 77)
        bytes.withUnsafeBytes { raw in
            for offset in 0..<4 {
                for length in Array(0...200) + [1419, 1420, 1500] {
                    let fast = InternetChecksum.fold(InternetChecksum.sum(raw.baseAddress! + offset, count: length))
                    let reference = ReferenceChecksum.fold(ReferenceChecksum.sum(bytes[offset..<(offset + length)]))
                    // Native-order sum: compare after putting it in network order.
                    #expect(UInt16(bigEndian: fast) == reference || (fast == 0 && reference == 0xFFFF),
                            "offset \(offset) length \(length)")
                }
            }
        }
    }

    /// The fused copy sums exactly what `sum` sums and leaves an exact copy, for every
    /// length around the 32-byte block size and a few alignments of either side.
    @Test func copyAndSumCopiesAndSumsLikeSum() {
        let bytes = pattern(1600, seed: 5)
        bytes.withUnsafeBytes { raw in
            for offset in 0..<4 {
                for length in Array(0...200) + [1419, 1420, 1500, 1576] {
                    var copy = [UInt8](repeating: 0xEE, count: length + 8)
                    let fused = copy.withUnsafeMutableBytes {
                        InternetChecksum.copyAndSum(from: raw.baseAddress! + offset, to: $0.baseAddress! + 3, count: length, initial: 9)
                    }
                    let plain = InternetChecksum.sum(raw.baseAddress! + offset, count: length, initial: 9)
                    #expect(InternetChecksum.fold(fused) == InternetChecksum.fold(plain), "offset \(offset) length \(length)")
                    #expect(Array(copy[3..<(3 + length)]) == Array(bytes[offset..<(offset + length)]), "offset \(offset) length \(length)")
                    #expect(copy[0..<3].allSatisfy { $0 == 0xEE } && copy[(3 + length)...].allSatisfy { $0 == 0xEE })
                }
            }
        }
    }

    /// RFC 1071 §3's worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
    @Test func rfc1071Example() {
        let bytes: [UInt8] = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]
        let sum = bytes.withUnsafeBytes { InternetChecksum.fold(InternetChecksum.sum($0.baseAddress!, count: 8)) }
        #expect(UInt16(bigEndian: sum) == 0xDDF2)
    }
}
