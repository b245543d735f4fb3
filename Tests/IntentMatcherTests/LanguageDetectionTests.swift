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

    /// Arabizi is read as Arabic (and so answered in Arabic), never as the Latin-script language it resembles.
    @Test(arguments: [
        "ana ta3ban, el requester rafad kol shoghli",
        "el sho8l da mesh madfou3 leh",
        "3ayez a3raf leh el account et2afal",
        "wallah ma wasalni el 7esab mn prolific",
        "chno ndir, el compte dyali tbloka",
    ])
    func arabiziIsArabic(_ text: String) throws {
        let matcher = try #require(matcher)
        #expect(matcher.detectLanguage(text) == .ar)
        #expect(matcher.match(text, language: .es).language == .ar)
    }

    /// Digits glued to letters in English, French, Spanish and Portuguese are not Arabizi.
    @Test(arguments: [
        ("my 3rd hit got rejected at 2pm", Language.en), ("i earned 5k on mturk in 2024", .en),
        ("mon 2e paiement est bloqué", .fr), ("el 3er pago no llegó", .es), ("não recebi o 2o pagamento da plataforma", .pt),
    ])
    func gluedDigitsInOtherLanguagesAreNotArabizi(_ text: String, _ language: Language) throws {
        let matcher = try #require(matcher)
        #expect(matcher.detectLanguage(text) == language)
    }
}
