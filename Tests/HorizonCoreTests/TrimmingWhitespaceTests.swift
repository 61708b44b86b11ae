import HorizonCore
import Testing

struct TrimmingWhitespaceTests {
    @Test(arguments: [
        ("  key \t", "key"), ("key", "key"), ("\n a b \r\n", "a b"), ("", ""), (" \t\n", ""), ("\u{00A0}x\u{2003}", "x"),
    ])
    func dropsWhitespaceAtBothEndsOnly(text: String, trimmed: String) {
        #expect(text.trimmingWhitespace() == trimmed)
        #expect(text[...].trimmingWhitespace() == trimmed, "a substring trims the same")
    }
}
