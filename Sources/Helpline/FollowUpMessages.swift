public import Foundation
public import IntentMatcher
public import SafetyNet

/// What the helpline says around a follow-up: the question an answer asks (`asks:` in its file) and what a
/// reply naming a country or a platform leads to. In every language the helpline speaks.
public enum FollowUpMessage: Sendable {
    case askCountry
    case askPlatform
    case askCountryAndPlatform
    case nothingForPlatform(String)
    case referrals([Referral], countryCode: String, countryName: String)
    case orVolunteer

    public func text(in language: Language) -> String {
        switch self {
        case .askCountry:
            return [
                .en: "Which country do you work from? I can point you to groups there.",
                .fr: "Depuis quel pays travaillez-vous ? Je peux vous indiquer des groupes sur place.",
                .es: "¿Desde qué país trabajas? Puedo indicarte grupos allí.",
                .pt: "De que país você trabalha? Posso indicar grupos aí.",
                .ar: "من أي بلد تعمل؟ يمكنني أن أدلّك على مجموعات هناك.",
            ][language]!
        case .askPlatform:
            return [
                .en: "Which platform is it (Prolific, Clickworker, Appen…)? I can tell you what applies there.",
                .fr: "Sur quelle plateforme (Prolific, Clickworker, Appen…) ? Je peux vous dire ce qui s'y applique.",
                .es: "¿En qué plataforma (Prolific, Clickworker, Appen…)? Puedo decirte qué se aplica allí.",
                .pt: "Em qual plataforma (Prolific, Clickworker, Appen…)? Posso dizer o que vale lá.",
                .ar: "على أي منصة (Prolific أو Clickworker أو Appen…)؟ يمكنني أن أخبرك بما ينطبق عليها.",
            ][language]!
        case .askCountryAndPlatform:
            return [
                .en: "Tell me your country and your platform, and I will point you to groups that fit.",
                .fr: "Dites-moi votre pays et votre plateforme, et je vous indiquerai des groupes adaptés.",
                .es: "Dime tu país y tu plataforma y te indicaré grupos que te correspondan.",
                .pt: "Diga seu país e sua plataforma, e eu indico grupos que combinam com você.",
                .ar: "أخبرني ببلدك ومنصتك، وسأدلّك على مجموعات تناسبك.",
            ][language]!
        case .nothingForPlatform(let platform):
            return [
                .en: "I have nothing specific to \(platform) on this; what I said above is what I know.",
                .fr: "Je n'ai rien de spécifique à \(platform) sur ce point ; ce qui précède est ce que je sais.",
                .es: "No tengo nada específico de \(platform) sobre esto; lo de arriba es lo que sé.",
                .pt: "Não tenho nada específico da \(platform) sobre isso; o que disse acima é o que sei.",
                .ar: "ليس لدي شيء خاص بمنصة \(platform) في هذا؛ ما قلته أعلاه هو ما أعرفه.",
            ][language]!
        case .referrals(let groups, let code, let fallbackName):
            // The name stands apart ("— Kenya", "(United Kingdom)"), as French and Portuguese wrote it already:
            // "in United Kingdom", "in Philippines" read wrong in English, and names differ on the article.
            let country = Self.countryName(code, in: language) ?? fallbackName
            let local = groups.filter { $0.countries.contains(code) }
            let online = groups.filter { $0.countries.isEmpty }
            var lines: [String] = []
            if !local.isEmpty {
                lines.append([
                    .en: "Groups that may help — \(country):",
                    .fr: "Des groupes qui peuvent aider — \(country) :",
                    .es: "Grupos que pueden ayudar en \(country):",
                    .pt: "Grupos que podem ajudar — \(country):",
                    .ar: "مجموعات قد تساعد في \(country):",
                ][language]!)
                lines += local.map { Self.line($0, in: language) }
            } else {
                lines.append([
                    .en: "I know no group for this country yet (\(country)).",
                    .fr: "Je ne connais pas encore de groupe pour ce pays (\(country)).",
                    .es: "Todavía no conozco ningún grupo en \(country).",
                    .pt: "Ainda não conheço nenhum grupo neste país (\(country)).",
                    .ar: "لا أعرف بعد أي مجموعة في \(country).",
                ][language]!)
            }
            if !online.isEmpty {
                lines.append([
                    .en: "Groups that work across countries:",
                    .fr: "Des groupes qui agissent au-delà des frontières :",
                    .es: "Grupos que actúan en varios países:",
                    .pt: "Grupos que atuam em vários países:",
                    .ar: "مجموعات تعمل عبر البلدان:",
                ][language]!)
                lines += online.map { Self.line($0, in: language) }
            }
            return lines.joined(separator: "\n")
        case .orVolunteer:
            return [
                .en: "Write \"human\" and a volunteer can look into it with you.",
                .fr: "Écrivez « human » et un·e bénévole peut regarder cela avec vous.",
                .es: "Escribe \"human\" y una persona voluntaria puede verlo contigo.",
                .pt: "Escreva \"human\" e um voluntário pode ver isso com você.",
                .ar: "اكتب \"human\" ويمكن لمتطوع أن يبحث في الأمر معك.",
            ][language]!
        }
    }

    /// "• Data Labelers Association (workers' organisation) — https://… — en, sw · checked 2026-12-06".
    static func line(_ group: Referral, in language: Language) -> String {
        var text = "• \(group.name) (\(kind(group.kind, in: language))) — \(group.contact)"
        if !group.languages.isEmpty { text += " — " + group.languages.joined(separator: ", ") }
        text += " · " + [
            .en: "checked", .fr: "vérifié le", .es: "verificado el", .pt: "verificado em", .ar: "تم التحقق في",
        ][language]! + " \(group.verified)"
        if group.uncertain {
            text += " · " + [
                .en: "contact not confirmed: check it first",
                .fr: "contact non confirmé : vérifiez d'abord",
                .es: "contacto no confirmado: verifícalo antes",
                .pt: "contato não confirmado: verifique antes",
                .ar: "وسيلة التواصل غير مؤكدة: تحقّق منها أولًا",
            ][language]!
        }
        return text
    }

    static func kind(_ kind: Referral.Kind, in language: Language) -> String {
        let names: [Referral.Kind: [Language: String]] = [
            .union: [.en: "union", .fr: "syndicat", .es: "sindicato", .pt: "sindicato", .ar: "نقابة"],
            .workersOrganisation: [
                .en: "workers' organisation", .fr: "organisation de travailleurs", .es: "organización de trabajadores",
                .pt: "organização de trabalhadores", .ar: "منظمة عمال",
            ],
            .dataRights: [
                .en: "help with your data", .fr: "aide pour vos données", .es: "ayuda con tus datos",
                .pt: "ajuda com seus dados", .ar: "مساعدة بشأن بياناتك",
            ],
            .legalAid: [.en: "legal help", .fr: "aide juridique", .es: "ayuda legal", .pt: "ajuda jurídica", .ar: "مساعدة قانونية"],
            .research: [
                .en: "research and ratings", .fr: "recherche et notation", .es: "investigación y calificaciones",
                .pt: "pesquisa e avaliações", .ar: "أبحاث وتقييمات",
            ],
        ]
        return names[kind]![language]!
    }

    /// The country's name in the worker's language, from the system's locale data.
    static func countryName(_ code: String, in language: Language) -> String? {
        Locale(identifier: language.rawValue).localizedString(forRegionCode: code)
    }
}
