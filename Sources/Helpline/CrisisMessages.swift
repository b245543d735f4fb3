import Foundation
public import IntentMatcher
public import SafetyNet

/// What a worker in crisis reads besides the crisis answer: their country's line, the question that
/// asks the country, whether a volunteer is there now, and the check-ins while the case waits. Short and
/// calm; one place for these sentences in every language.
public enum CrisisMessage {
    /// Only when the answer set has no `crisis` intent: the safety net must not depend on an answer file.
    public static func fallbackAnswer(in language: Language) -> String {
        [
            .en: "I'm sorry you are going through this, and I'm glad you wrote. A volunteer is being called now. If you are in danger, please call your local emergency number now.",
            .fr: "Ce que vous vivez est dur, et merci d'avoir écrit. Un·e bénévole est appelé·e maintenant. Si vous êtes en danger, appelez tout de suite le numéro d'urgence de votre pays.",
            .es: "Siento que estés pasando por esto, y gracias por escribir. Estamos llamando a una persona voluntaria. Si estás en peligro, llama ahora al número de emergencias de tu país.",
            .pt: "Sinto muito que você esteja passando por isso, e obrigado por escrever. Um voluntário está sendo chamado agora. Se você estiver em perigo, ligue agora para o número de emergência do seu país.",
            .ar: "يؤسفني ما تمرّ به، وشكرًا لأنك كتبت. نستدعي متطوعًا الآن. إذا كنت في خطر، فاتصل فورًا برقم الطوارئ في بلدك.",
        ][language]!
    }

    public static func askCountry(in language: Language) -> String {
        [
            .en: "Which country are you in? I can give you the number of a crisis line there.",
            .fr: "Dans quel pays êtes-vous ? Je peux vous donner le numéro d'une ligne d'écoute là-bas.",
            .es: "¿En qué país estás? Puedo darte el número de una línea de crisis de allí.",
            .pt: "Em que país você está? Posso passar o número de uma linha de apoio de lá.",
            .ar: "في أي بلد أنت؟ يمكنني أن أعطيك رقم خط مساعدة للأزمات هناك.",
        ][language]!
    }

    /// The country's lines (two at most, the most suitable first) and its emergency number.
    public static func lines(of country: CrisisCountry, in language: Language) -> String {
        let words = Words.table[language]!
        var parts: [String] = []
        for line in country.lines.prefix(2) {
            var ways: [String] = []
            if let phone = line.phone { ways.append("\(words.call) \(phone)") }
            if let sms = line.sms, sms != line.phone { ways.append("\(words.text) \(sms)") }
            if let whatsapp = line.whatsapp { ways.append("WhatsApp \(whatsapp)") }
            if let chat = line.chat, ways.isEmpty || line.phone == nil { ways.append("\(words.chat) \(chat)") }
            var text = "\(line.service): \(ways.joined(separator: ", "))"
            if let hours = line.hours, hours != "unknown" { text += " (\(hours))" }
            if line.uncertain { text += " \(words.check)" }
            parts.append(text)
        }
        var message = "\(country.displayName.capitalized) — " + parts.joined(separator: "; ")
        if parts.isEmpty { message = words.noLine }
        if let emergency = country.emergency { message += ". \(words.emergency) \(emergency)." }
        return message
    }

    public static func unknownCountry(in language: Language) -> String { Words.table[language]!.noLine + "." }

    /// Said honestly when the case opens: is anyone there now, and how long it usually takes.
    public static func availability(volunteersOnline: Int?, medianMinutes: Int?, in language: Language) -> String {
        let words = Words.table[language]!
        if let online = volunteersOnline, online > 0 { return words.online }
        let wait = medianMinutes.map { words.usually.replacingOccurrences(of: "%M", with: "\($0)") } ?? ""
        return volunteersOnline == nil ? words.called + (wait.isEmpty ? "" : " " + wait) : words.nobody + (wait.isEmpty ? "" : " " + wait)
    }

    public static func checkIn(in language: Language) -> String {
        [
            .en: "I'm still here, and the volunteers have been called again. Are you safe right now? You can keep writing: every message reaches them.",
            .fr: "Je suis toujours là, et les bénévoles ont été appelé·es à nouveau. Êtes-vous en sécurité en ce moment ? Vous pouvez continuer à écrire : chaque message leur parvient.",
            .es: "Sigo aquí y hemos vuelto a llamar a las personas voluntarias. ¿Estás a salvo ahora? Puedes seguir escribiendo: cada mensaje les llega.",
            .pt: "Continuo aqui, e os voluntários foram chamados de novo. Você está em segurança agora? Pode continuar escrevendo: cada mensagem chega até eles.",
            .ar: "ما زلت هنا، وقد استدعينا المتطوعين مرة أخرى. هل أنت في أمان الآن؟ يمكنك الاستمرار في الكتابة: كل رسالة تصل إليهم.",
        ][language]!
    }

    private struct Words {
        var call, text, chat, check, noLine, emergency, online, nobody, called, usually: String

        static let table: [Language: Words] = [
            .en: Words(
                call: "call", text: "text", chat: "chat at", check: "(sources differ: please check)",
                noLine: "I don't have a checked crisis line for your country yet; the volunteer will help you find one",
                emergency: "Emergency number:", online: "A volunteer is connected now and has been called.",
                nobody: "No volunteer is connected right now; your message waits for the first one who comes.",
                called: "The volunteers have been called.", usually: "One usually answers within about %M min."),
            .fr: Words(
                call: "appelez le", text: "SMS au", chat: "chat sur", check: "(les sources divergent : vérifiez)",
                noLine: "Je n'ai pas encore de ligne d'écoute vérifiée pour votre pays ; le ou la bénévole vous aidera à en trouver une",
                emergency: "Numéro d'urgence :", online: "Un·e bénévole est connecté·e en ce moment et a été appelé·e.",
                nobody: "Aucun·e bénévole n'est connecté·e pour l'instant ; votre message attend la première personne qui arrive.",
                called: "Les bénévoles ont été appelé·es.", usually: "D'habitude, quelqu'un répond en %M min environ."),
            .es: Words(
                call: "llama al", text: "SMS al", chat: "chat en", check: "(las fuentes no coinciden: compruébalo)",
                noLine: "Todavía no tengo una línea de crisis verificada para tu país; la persona voluntaria te ayudará a encontrar una",
                emergency: "Número de emergencias:", online: "Hay una persona voluntaria conectada ahora y ya la hemos llamado.",
                nobody: "Ahora mismo no hay ninguna persona voluntaria conectada; tu mensaje espera a la primera que llegue.",
                called: "Hemos llamado a las personas voluntarias.", usually: "Normalmente alguien responde en unos %M min."),
            .pt: Words(
                call: "ligue", text: "SMS para", chat: "chat em", check: "(as fontes divergem: confira)",
                noLine: "Ainda não tenho uma linha de apoio verificada para o seu país; o voluntário vai ajudar você a encontrar uma",
                emergency: "Número de emergência:", online: "Há um voluntário conectado agora e ele já foi chamado.",
                nobody: "Nenhum voluntário está conectado agora; sua mensagem espera o primeiro que chegar.",
                called: "Os voluntários foram chamados.", usually: "Normalmente alguém responde em cerca de %M min."),
            .ar: Words(
                call: "اتصل بالرقم", text: "رسالة نصية إلى", chat: "دردشة على", check: "(المصادر مختلفة: تحقّق منه)",
                noLine: "ليس لدي بعدُ خط أزمات موثّق لبلدك؛ سيساعدك المتطوع في إيجاد خط",
                emergency: "رقم الطوارئ:", online: "يوجد متطوع متصل الآن وقد تم استدعاؤه.",
                nobody: "لا يوجد متطوع متصل الآن؛ رسالتك تنتظر أول من يتصل.",
                called: "تم استدعاء المتطوعين.", usually: "عادةً يجيب أحدهم خلال %M دقيقة تقريبًا."),
        ]
    }
}
