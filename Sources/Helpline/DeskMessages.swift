import Foundation
public import IntentMatcher

/// What the worker hears when their case moves between volunteers, while it waits, and after the
/// "did this help?" question. Never a volunteer's nick: their alias only.
public enum DeskMessage {
    /// Instead of the greeting, while the worker's case waits: their number, and honestly who is there.
    /// `connected` is nil when the helpline cannot know (no volunteers' channel).
    public static func waiting(caseID: Int64, connected: Int?, in language: Language) -> String {
        let table: [Language: String]
        switch connected {
        case .some(let count) where count > 0:
            table = [
                .en: "Your request #\(caseID) is waiting for a volunteer; \(count) volunteer(s) are connected now. What you write here is added to it.",
                .fr: "Votre demande n°\(caseID) attend un·e bénévole ; \(count) bénévole(s) connecté·e·s en ce moment. Ce que vous écrivez ici y est ajouté.",
                .es: "Tu solicitud n.º \(caseID) espera a una persona voluntaria; hay \(count) conectada(s) ahora. Lo que escribas aquí se añade a ella.",
                .pt: "O seu pedido n.º \(caseID) aguarda um voluntário; \(count) voluntário(s) conectado(s) agora. O que escrever aqui é adicionado a ele.",
                .ar: "طلبك رقم \(caseID) بانتظار متطوع؛ عدد المتطوعين المتصلين الآن: \(count). ما تكتبه هنا يُضاف إلى طلبك.",
            ]
        case .some:
            table = [
                .en: "Your request #\(caseID) is waiting for a volunteer; none is connected right now, the next one will see it. What you write here is added to it.",
                .fr: "Votre demande n°\(caseID) attend un·e bénévole ; personne n'est connecté en ce moment, la prochaine personne la verra. Ce que vous écrivez ici y est ajouté.",
                .es: "Tu solicitud n.º \(caseID) espera a una persona voluntaria; ahora no hay nadie conectado, la próxima persona la verá. Lo que escribas aquí se añade a ella.",
                .pt: "O seu pedido n.º \(caseID) aguarda um voluntário; ninguém está conectado agora, o próximo vai vê-lo. O que escrever aqui é adicionado a ele.",
                .ar: "طلبك رقم \(caseID) بانتظار متطوع؛ لا أحد متصل الآن، وسيراه أول متطوع يتصل. ما تكتبه هنا يُضاف إلى طلبك.",
            ]
        case .none:
            table = [
                .en: "Your request #\(caseID) is waiting for a volunteer. What you write here is added to it.",
                .fr: "Votre demande n°\(caseID) attend un·e bénévole. Ce que vous écrivez ici y est ajouté.",
                .es: "Tu solicitud n.º \(caseID) espera a una persona voluntaria. Lo que escribas aquí se añade a ella.",
                .pt: "O seu pedido n.º \(caseID) aguarda um voluntário. O que escrever aqui é adicionado a ele.",
                .ar: "طلبك رقم \(caseID) بانتظار متطوع. ما تكتبه هنا يُضاف إلى طلبك.",
            ]
        }
        return table[language] ?? table[.en] ?? ""
    }

    /// The volunteer gave the case back (or was revoked, or a hand-over lapsed): it waits again.
    public static func released(caseID: Int64, in language: Language) -> String {
        let table: [Language: String] = [
            .en: "The volunteer who had your request #\(caseID) had to step away. It is waiting for another volunteer; you do not need to write it again.",
            .fr: "Le/la bénévole qui suivait votre demande n°\(caseID) a dû s'absenter. Elle attend un·e autre bénévole ; inutile de la réécrire.",
            .es: "La persona voluntaria que tenía tu solicitud n.º \(caseID) tuvo que irse. Espera a otra persona voluntaria; no hace falta que la escribas de nuevo.",
            .pt: "O voluntário que tinha o seu pedido n.º \(caseID) precisou sair. Ele aguarda outro voluntário; não precisa escrever de novo.",
            .ar: "اضطر المتطوع الذي كان يتابع طلبك رقم \(caseID) إلى المغادرة. طلبك بانتظار متطوع آخر؛ لا حاجة لكتابته من جديد.",
        ]
        return table[language] ?? table[.en] ?? ""
    }

    /// Another volunteer takes over; they can read what came before.
    public static func transferred(caseID: Int64, to alias: String, in language: Language) -> String {
        let table: [Language: String] = [
            .en: "A new volunteer, \(alias), takes over your request #\(caseID). They can read what you wrote before.",
            .fr: "Un·e nouveau·elle bénévole, \(alias), reprend votre demande n°\(caseID). Il ou elle peut lire ce que vous avez écrit.",
            .es: "Una nueva persona voluntaria, \(alias), toma tu solicitud n.º \(caseID). Puede leer lo que escribiste antes.",
            .pt: "Um novo voluntário, \(alias), assume o seu pedido n.º \(caseID). Ele pode ler o que você escreveu antes.",
            .ar: "متطوع جديد، \(alias)، يتولى طلبك رقم \(caseID). يمكنه قراءة ما كتبته من قبل.",
        ]
        return table[language] ?? table[.en] ?? ""
    }

    /// After the worker answered "did this help?".
    public static func feedbackThanks(helped: Bool, in language: Language) -> String {
        let table: [Language: String] = helped
            ? [
                .en: "Thank you for telling us. Write again any time.",
                .fr: "Merci de nous l'avoir dit. Réécrivez quand vous voulez.",
                .es: "Gracias por decírnoslo. Escribe cuando quieras.",
                .pt: "Obrigado por nos dizer. Escreva quando quiser.",
                .ar: "شكرًا لإخبارنا. اكتب لنا متى شئت.",
            ]
            : [
                .en: "Thank you for telling us, and sorry it did not help. Write \"human\" to reach a volunteer again, or \"help\" for the topics I know.",
                .fr: "Merci de nous l'avoir dit, et désolé que cela n'ait pas aidé. Écrivez « human » pour joindre à nouveau un·e bénévole, ou « menu » pour les sujets que je connais.",
                .es: "Gracias por decírnoslo, y lamento que no haya ayudado. Escribe \"human\" para hablar otra vez con una persona voluntaria, o \"ayuda\" para ver los temas que conozco.",
                .pt: "Obrigado por nos dizer, e lamento que não tenha ajudado. Escreva \"human\" para falar de novo com um voluntário, ou \"ajuda\" para ver os temas que conheço.",
                .ar: "شكرًا لإخبارنا، ونأسف لأن ذلك لم يساعد. اكتب \"human\" للتواصل مع متطوع من جديد، أو \"مساعدة\" لترى المواضيع التي أعرفها.",
            ]
        return table[language] ?? table[.en] ?? ""
    }
}

/// The worker's answer to "did this help?", in a word or a few, in any of the helpline's languages.
public enum FeedbackAnswer: String, Sendable {
    case yes, no

    private static let yesWords: Set<String> = [
        "yes", "y", "yeah", "yep", "yup", "sure", "helped", "it helped", "yes it helped", "yes thanks", "yes thank you", "very much",
        "oui", "ouais", "oui merci", "ça m'a aidé", "ca m'a aide", "oui ça m'a aidé", "si", "sí", "sí gracias", "si gracias", "claro",
        "me ayudó", "me ayudo", "sim", "sim obrigado", "sim obrigada", "ajudou", "sim ajudou", "نعم", "ايوه", "أيوه", "اي", "أجل", "ساعدني",
        "نعم شكرا", "aywa", "aiwa", "na3am", "yes!", "👍",
    ]
    private static let noWords: Set<String> = [
        "no", "n", "nope", "not really", "no it did not", "it did not", "didn't help", "did not help", "no thanks", "non", "pas vraiment",
        "non merci", "ça n'a pas aidé", "no mucho", "no me ayudó", "no me ayudo", "não", "nao", "não ajudou", "nao ajudou", "não muito",
        "لا", "ليس حقا", "لم يساعدني", "la2", "👎",
    ]

    /// Only a short answer counts: a longer message is a new question, not a verdict.
    public static func parse(_ text: String) -> FeedbackAnswer? {
        let cleaned = text.lowercased()
            .trimmingCharacters(in: .whitespacesAndNewlines)
            .trimmingCharacters(in: CharacterSet(charactersIn: ".!?¡¿,;:…\"'«» "))
        let words = cleaned.split(whereSeparator: { $0 == " " || $0 == "," }).joined(separator: " ")
        guard words.split(separator: " ").count <= 5 else { return nil }
        if yesWords.contains(words) { return .yes }
        if noWords.contains(words) { return .no }
        return nil
    }
}
