public import IntentMatcher

/// The helpline's own sentences (not answers): fallback, clarifying question, confirmations.
///
/// Kept in code for now, in every language the helpline speaks; answers live in `intents/`.
public enum SystemMessage: Sendable, CaseIterable {
    case fallback
    case clarify
    case languageSet
    case englishOnly
    case moreHint
    case noMore
    /// Sent first on "forget me": what is erased, and what no one can erase for them.
    case erasing
    case erased
    /// To a worker over the rate limit, once in a while however fast they write.
    case slowDown
    /// When a message could not be stored (disk full): said directly, not kept.
    case unavailable
    case stopped
    case emptyMessage
    case tooLong
    /// Said in a public channel to someone who addressed the bot: cases are private.
    case privateOnly
    /// Sent to the worker when a volunteer closes their case.
    case feedbackQuestion
    /// Once, when a worker starts describing their work: names are never needed.
    case ndaReminder
    /// Added when a case opens: what happens next, honestly.
    case caseOpened

    public func text(in language: Language) -> String {
        let table: [Language: String]
        switch self {
        case .fallback:
            table = [
                .en: "I'm not sure I understood, and I'd rather not guess. Write \"human\" and a volunteer will answer you here, or \"help\" to see the topics I know.",
                .fr: "Je ne suis pas sûr d'avoir compris, et je préfère ne pas deviner. Écrivez « human » et un·e bénévole vous répondra ici, ou « menu » pour voir les sujets que je connais.",
                .es: "No estoy seguro de haber entendido y prefiero no adivinar. Escribe \"human\" y una persona voluntaria te responderá aquí, o \"ayuda\" para ver los temas que conozco.",
                .pt: "Não tenho certeza de ter entendido e prefiro não adivinhar. Escreva \"human\" e um voluntário vai responder aqui, ou \"ajuda\" para ver os temas que conheço.",
                .ar: "لست متأكدًا أنني فهمت، وأفضّل ألا أخمّن. اكتب \"human\" وسيجيبك متطوع هنا، أو \"مساعدة\" لترى المواضيع التي أعرفها.",
            ]
        case .clarify:
            table = [
                .en: "Which of these is closest? Reply with the number:",
                .fr: "Lequel de ces sujets est le plus proche ? Répondez par le numéro :",
                .es: "¿Cuál de estos temas se acerca más? Responde con el número:",
                .pt: "Qual destes temas é o mais próximo? Responda com o número:",
                .ar: "أيّ هذه المواضيع أقرب إلى سؤالك؟ أجب بالرقم:",
            ]
        case .languageSet:
            table = [
                .en: "OK, I will answer in English.",
                .fr: "D'accord, je vous répondrai en français.",
                .es: "De acuerdo, te responderé en español.",
                .pt: "Certo, vou responder em português.",
                .ar: "حسنًا، سأجيبك بالعربية.",
            ]
        case .englishOnly:
            table = [
                .en: "",
                .fr: "(Cette réponse n'existe pas encore en français ; la voici en anglais.)",
                .es: "(Esta respuesta aún no existe en español; aquí está en inglés.)",
                .pt: "(Esta resposta ainda não existe em português; aqui está em inglês.)",
                .ar: "(هذه الإجابة غير متوفرة بالعربية بعد؛ إليك النسخة الإنجليزية.)",
            ]
        case .moreHint:
            table = [
                .en: "(Write \"more\" for details.)",
                .fr: "(Écrivez « plus » pour les détails.)",
                .es: "(Escribe \"más\" para los detalles.)",
                .pt: "(Escreva \"mais\" para os detalhes.)",
                .ar: "(اكتب \"المزيد\" للتفاصيل.)",
            ]
        case .noMore:
            table = [
                .en: "I have nothing more on that. Write \"human\" to ask a volunteer, or \"help\" for the topics.",
                .fr: "Je n'ai rien de plus là-dessus. Écrivez « human » pour un·e bénévole, ou « menu » pour les sujets.",
                .es: "No tengo nada más sobre eso. Escribe \"human\" para una persona voluntaria, o \"ayuda\" para los temas.",
                .pt: "Não tenho mais nada sobre isso. Escreva \"human\" para um voluntário, ou \"ajuda\" para os temas.",
                .ar: "ليس لدي المزيد حول هذا. اكتب \"human\" للتحدث مع متطوع، أو \"مساعدة\" لرؤية المواضيع.",
            ]
        case .erasing:
            table = [
                .en: "Erasing now: your messages, our conversation, any request to volunteers and their notes, and your address. This cannot be undone. It cannot erase what a volunteer has already read, or copies kept by the app you write from.",
                .fr: "J'efface maintenant : vos messages, notre conversation, toute demande aux bénévoles et leurs notes, et votre adresse. C'est définitif. Cela n'efface pas ce qu'un·e bénévole a déjà lu, ni les copies gardées par l'application d'où vous écrivez.",
                .es: "Borrando ahora: tus mensajes, nuestra conversación, cualquier solicitud a voluntarios y sus notas, y tu dirección. No se puede deshacer. No borra lo que una persona voluntaria ya leyó, ni las copias que guarda la aplicación desde la que escribes.",
                .pt: "Apagando agora: as suas mensagens, a nossa conversa, qualquer pedido aos voluntários e as notas deles, e o seu endereço. Não pode ser desfeito. Não apaga o que um voluntário já leu, nem as cópias guardadas pelo aplicativo de onde você escreve.",
                .ar: "أحذف الآن: رسائلك، ومحادثتنا، وأي طلب للمتطوعين وملاحظاتهم، وعنوانك. لا يمكن التراجع عن ذلك. لا يحذف ما قرأه متطوع بالفعل، ولا النسخ التي يحتفظ بها التطبيق الذي تكتب منه.",
            ]
        case .slowDown:
            table = [
                .en: "You are sending messages faster than I can read them, so I skipped some. Wait a minute, then send your question again in one message.",
                .fr: "Vous envoyez des messages plus vite que je ne peux les lire, j'en ai donc ignoré certains. Attendez une minute, puis renvoyez votre question en un seul message.",
                .es: "Envías mensajes más rápido de lo que puedo leerlos, así que me salté algunos. Espera un minuto y vuelve a enviar tu pregunta en un solo mensaje.",
                .pt: "Você está enviando mensagens mais rápido do que consigo ler, então ignorei algumas. Espere um minuto e envie sua pergunta de novo em uma só mensagem.",
                .ar: "ترسل الرسائل أسرع مما أستطيع قراءته، لذلك تجاوزت بعضها. انتظر دقيقة، ثم أرسل سؤالك مجددًا في رسالة واحدة.",
            ]
        case .unavailable:
            table = [
                .en: "Sorry, I cannot take messages right now (a problem on our side). Your message was not kept: please write again in a few minutes.",
                .fr: "Désolé, je ne peux pas recevoir de messages pour l'instant (un problème de notre côté). Votre message n'a pas été gardé : réécrivez dans quelques minutes.",
                .es: "Lo siento, ahora no puedo recibir mensajes (un problema de nuestro lado). Tu mensaje no se guardó: vuelve a escribir en unos minutos.",
                .pt: "Desculpe, não consigo receber mensagens agora (um problema do nosso lado). A sua mensagem não foi guardada: escreva de novo em alguns minutos.",
                .ar: "عذرًا، لا أستطيع استقبال الرسائل الآن (مشكلة من جهتنا). لم تُحفظ رسالتك: يُرجى الكتابة مجددًا بعد بضع دقائق.",
            ]
        case .erased:
            table = [
                .en: "Done: I have erased everything this helpline kept about you (messages, conversation, address). If you write again, we start from zero.",
                .fr: "C'est fait : j'ai effacé tout ce que cette ligne gardait sur vous (messages, conversation, adresse). Si vous écrivez à nouveau, on repart de zéro.",
                .es: "Listo: borré todo lo que esta línea guardaba sobre ti (mensajes, conversación, dirección). Si vuelves a escribir, empezamos de cero.",
                .pt: "Pronto: apaguei tudo o que esta linha guardava sobre você (mensagens, conversa, endereço). Se escrever de novo, começamos do zero.",
                .ar: "تم: حذفت كل ما كانت هذه الخدمة تحتفظ به عنك (الرسائل، المحادثة، العنوان). إذا كتبت مجددًا، نبدأ من الصفر.",
            ]
        case .stopped:
            table = [
                .en: "OK, I'll stop here. Take care. Write any time if you need us again.",
                .fr: "D'accord, je m'arrête là. Prenez soin de vous. Écrivez quand vous voulez si vous avez besoin de nous.",
                .es: "De acuerdo, lo dejo aquí. Cuídate. Escribe cuando quieras si nos necesitas.",
                .pt: "Certo, paro por aqui. Cuide-se. Escreva quando quiser se precisar de nós.",
                .ar: "حسنًا، سأتوقف هنا. اعتنِ بنفسك. اكتب في أي وقت إذا احتجت إلينا.",
            ]
        case .emptyMessage:
            table = [
                .en: "I only read text. Write your question in a few words, or \"help\" to see the topics.",
                .fr: "Je ne lis que le texte. Écrivez votre question en quelques mots, ou « menu » pour voir les sujets.",
                .es: "Solo leo texto. Escribe tu pregunta en pocas palabras, o \"ayuda\" para ver los temas.",
                .pt: "Só leio texto. Escreva sua pergunta em poucas palavras, ou \"ajuda\" para ver os temas.",
                .ar: "أقرأ النصوص فقط. اكتب سؤالك في بضع كلمات، أو \"مساعدة\" لرؤية المواضيع.",
            ]
        case .tooLong:
            table = [
                .en: "Your message is very long; I read only its beginning. A volunteer can read everything: write \"human\".",
                .fr: "Votre message est très long ; je n'en lis que le début. Un·e bénévole peut tout lire : écrivez « human ».",
                .es: "Tu mensaje es muy largo; solo leo el principio. Una persona voluntaria puede leerlo todo: escribe \"human\".",
                .pt: "Sua mensagem é muito longa; só leio o início. Um voluntário pode ler tudo: escreva \"human\".",
                .ar: "رسالتك طويلة جدًا؛ أقرأ بدايتها فقط. يمكن لمتطوع قراءتها كلها: اكتب \"human\".",
            ]
        case .privateOnly:
            table = [
                .en: "I only answer in private, so that nobody else reads your case: send me a private message (/msg %@ hello).",
                .fr: "Je ne réponds qu'en privé, pour que personne d'autre ne lise votre situation : écrivez-moi en message privé (/msg %@ bonjour).",
                .es: "Solo respondo en privado, para que nadie más lea tu caso: escríbeme un mensaje privado (/msg %@ hola).",
                .pt: "Só respondo em privado, para que ninguém mais leia o seu caso: mande-me uma mensagem privada (/msg %@ olá).",
                .ar: "أجيب في الرسائل الخاصة فقط كي لا يقرأ أحد غيرك مشكلتك: أرسل لي رسالة خاصة (/msg %@ مرحبا).",
            ]
        case .ndaReminder:
            table = [
                .en: "Good to know: we never need the name of your client, requester or platform account to help. Leave them out if you are under an NDA.",
                .fr: "Bon à savoir : nous n'avons jamais besoin du nom de votre client, du requester ni de votre compte pour vous aider. Laissez-les de côté si vous êtes sous NDA.",
                .es: "Para que sepas: nunca necesitamos el nombre de tu cliente, del requester ni tu cuenta para ayudarte. Omítelos si tienes un NDA.",
                .pt: "Bom saber: nunca precisamos do nome do seu cliente, do requester nem da sua conta para ajudar. Deixe-os de fora se tiver um NDA.",
                .ar: "للعلم: لا نحتاج أبدًا إلى اسم عميلك أو صاحب المهمة أو حسابك لمساعدتك. لا تذكرها إن كنت ملتزمًا باتفاقية عدم إفصاح.",
            ]
        case .feedbackQuestion:
            table = [
                .en: "The volunteer has closed your conversation. Did this help you? You can reply in a word, or write again any time.",
                .fr: "Le/la bénévole a clos votre conversation. Est-ce que cela vous a aidé ? Répondez en un mot, ou réécrivez quand vous voulez.",
                .es: "La persona voluntaria cerró tu conversación. ¿Te ayudó? Puedes responder en una palabra, o volver a escribir cuando quieras.",
                .pt: "O voluntário encerrou a sua conversa. Isso ajudou você? Responda em uma palavra, ou escreva de novo quando quiser.",
                .ar: "أغلق المتطوع محادثتك. هل ساعدك ذلك؟ يمكنك الرد بكلمة، أو الكتابة مجددًا في أي وقت.",
            ]
        case .caseOpened:
            table = [
                .en: "Your request is number %@. A volunteer will answer here, in this conversation; you do not need to do anything else. %WAIT% If you are in danger now, call your local emergency number.",
                .fr: "Votre demande porte le numéro %@. Un·e bénévole vous répondra ici, dans cette conversation ; vous n'avez rien d'autre à faire. %WAIT% Si vous êtes en danger maintenant, appelez le numéro d'urgence local.",
                .es: "Tu solicitud es la número %@. Una persona voluntaria te responderá aquí, en esta conversación; no necesitas hacer nada más. %WAIT% Si estás en peligro ahora, llama al número de emergencias local.",
                .pt: "O seu pedido é o número %@. Um voluntário vai responder aqui, nesta conversa; não precisa fazer mais nada. %WAIT% Se estiver em perigo agora, ligue para o número de emergência local.",
                .ar: "رقم طلبك %@. سيجيبك متطوع هنا في هذه المحادثة؛ لا تحتاج إلى فعل أي شيء آخر. %WAIT% إذا كنت في خطر الآن، اتصل برقم الطوارئ المحلي.",
            ]
        }
        return table[language] ?? table[.en] ?? ""
    }

    /// "Recently a volunteer answered within about N minutes", or nothing when there is no history yet.
    public static func recentWait(minutes: Int?, in language: Language) -> String {
        guard let minutes else { return "" }
        let table: [Language: String] = [
            .en: "Recently, volunteers took about \(minutes) min to pick up a request.",
            .fr: "Récemment, les bénévoles ont mis environ \(minutes) min à prendre une demande.",
            .es: "Últimamente, las personas voluntarias tardaron unos \(minutes) min en tomar una solicitud.",
            .pt: "Recentemente, os voluntários levaram cerca de \(minutes) min para atender um pedido.",
            .ar: "مؤخرًا، استغرق المتطوعون نحو \(minutes) دقيقة لتولّي الطلب.",
        ]
        return table[language] ?? table[.en] ?? ""
    }
}
