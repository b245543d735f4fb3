import Testing
@testable import IntentMatcher

@Suite("Text table (the index's words by their text)")
struct TextTableTests {
    /// Numbers in the order texts first come, each text found again, an unknown one not found; with the hash cut to
    /// two bits, most texts collide and are kept beside the table, and every one is still found as itself.
    @Test(arguments: [~UInt64(0), 0x3])
    func textsAreNumberedInOrderAndFoundAgain(hashMask: UInt64) {
        var table = TextTable(hashMask: hashMask)
        let texts = ["pay", "paid", "رفض", "salário", "", "pay ", "Pay"] + (0..<200).map { "word\($0)" }
        for (number, text) in texts.enumerated() {
            #expect(table.id(inserting: text) == (Int32(number), true), "\(text)")
        }
        for (number, text) in texts.enumerated() {
            #expect(table.id(inserting: text) == (Int32(number), false), "\(text)")
            #expect(table[text] == Int32(number), "\(text)")
        }
        #expect(table.count == texts.count)
        #expect(table.texts == texts)
        for unknown in ["payment", "word200", "PAY", "رفضت"] { #expect(table[unknown] == nil, "\(unknown)") }
    }
}
