import Foundation

/// SASLprep (RFC 4013), the password preparation of RFC 5389 that RFC 5769's vectors use,
/// reduced to what matters for real passwords: non-ASCII spaces become U+0020, the
/// "commonly mapped to nothing" characters vanish, the result is NFKC-normalised, and
/// control, private-use and non-character code points are refused. Not done: the
/// bidirectional-text rules and the unassigned-code-point check. Plain printable ASCII,
/// what Horizon generates, passes through untouched.
enum SASLprep {
    static func prepare(_ text: String) throws(STUNCredentialError) -> String {
        if text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) { return text }
        var mapped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isNonASCIISpace(scalar) {
                mapped.append(" ")
            } else if !isMappedToNothing(scalar) {
                mapped.append(scalar)
            }
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        if let bad = normalized.unicodeScalars.first(where: isProhibited) { throw .prohibitedCharacter(bad) }
        return normalized
    }

    /// RFC 3454 table C.1.2.
    static func isNonASCIISpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00A0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// RFC 3454 table B.1.
    static func isMappedToNothing(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00AD, 0x034F, 0x1806, 0x180B...0x180D, 0x200C, 0x200D, 0x2060, 0xFE00...0xFE0F, 0xFEFF: true
        default: false
        }
    }

    /// Tables C.2 (controls), C.3 (private use), C.4 (non-characters), C.8 and C.9.
    static func isProhibited(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0000...0x001F, 0x007F...0x009F, 0x06DD, 0x070F, 0x180E, 0x200E, 0x200F, 0x2028...0x202E,
             0x2060...0x2063, 0x206A...0x206F, 0xFFF9...0xFFFC, 0x1D173...0x1D17A,
             0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD, 0xFDD0...0xFDEF, 0xE0001, 0xE0020...0xE007F:
            true
        default:
            s.value & 0xFFFE == 0xFFFE   // U+xxFFFE and U+xxFFFF in every plane
        }
    }
}
