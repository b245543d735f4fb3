import Testing
@testable import IntentMatcher

@Suite("Detecting the language of short messages", .enabled(if: Shipped.loads, "intents/ does not load"))
struct LanguageDetectionTests {
    let matcher = Shipped.matcher

    @Test(arguments: [
        ("hello", Language.en), ("thank you so much", .en), ("my hit got rejected", .en),
        ("bonjour", .fr), ("merci beaucoup", .fr), ("je ne suis pas payé", .fr),
        ("hola", .es), ("muchas gracias", .es), ("no me pagaron", .es),
        ("olá", .pt), ("bom dia", .pt), ("não recebi nada", .pt),
        ("مرحبا", .ar), ("شكرا جزيلا", .ar), ("رفضوا عملي", .ar),
    ])
    func shortPhrases(_ text: String, _ language: Language) throws {
        let matcher = try #require(matcher)
        #expect(matcher.detectLanguage(text) == language)
        #expect(matcher.match(text).language == language)
    }

    @Test(arguments: ["", "🙂🙂", "12345", "?!...", "\u{200B}"])
    func noClueGivesNil(_ text: String) throws {
        let matcher = try #require(matcher)
        #expect(matcher.detectLanguage(text) == nil)
        #expect(matcher.match(text, language: .fr).language == nil)
    }

    @Test func theConversationsLanguageBreaksTies() throws {
        let matcher = try #require(matcher)
        // "menu" is English, French and Portuguese alike.
        #expect(matcher.match("menu", language: .fr).language == .fr)
        #expect(matcher.match("menu", language: .pt).language == .pt)
        // but a clearly Spanish message stays Spanish.
        #expect(matcher.match("no me pagaron nada", language: .en).language == .es)
    }
}
