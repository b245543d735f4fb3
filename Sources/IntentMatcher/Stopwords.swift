/// Small lists of function words per language, already normalised (no accents; Arabic letters unified). They
/// serve twice: such words weigh little when matching (they say nothing about the topic), and they are the
/// strongest clue to the language of a short message. Chat spellings (`u`, `q`, `vc`, `jai`, `dont`) are here
/// too, since that is how workers write.
enum Stopwords {
    static let lists: [Language: Set<String>] = [
        .en: words("""
            a an the i me my mine you your yours u ur we our us they them their he she him his her it its is am are \
            r was were be been being do does did doing have has had having to of in on at for with from by about \
            as and or but so if then than that this these those there here what whats wat which who whom how when \
            where why can could would should will shall may might must just any some all no not don t s m re ve \
            ll d get got im ive id dont cant wont didnt doesnt isnt wasnt arent youre thats theres ok okay please \
            pls plz still now too very also up out into over again lol go going gonna anymore
            """),
        .fr: words("""
            le la les l un une des du de d et ou mais donc car ni je j tu il elle on nous vous ils elles me m te t \
            se s moi toi lui leur leurs mon ma mes ton ta tes son sa ses notre nos votre vos ce c cet cette ces ca \
            cela qui que qu quoi koi dont au aux en dans par pour pr sur avec sans sous est es suis sont etre ai \
            as avons avez ont avoir pas ne n plus tres y si comment quand jai jsuis chui svp stp ya il ok alors \
            aussi tout tous toute toutes deja encore vais va vas allons vont
            """),
        .es: words("""
            el la los las lo un una unos unas de del al a y o pero que q k en con por x para pa sin sobre me te se \
            le les nos mi mis tu tus su sus yo es son soy estoy esta este esto eso ese esa estas hay ha he han no \
            si ya muy mas como cuando donde cual quien porque pq porfa xfa ok tambien todo toda todos todas aqui \
            aca voy vas va vamos van
            """),
        .pt: words("""
            o a os as um uma uns umas de do da dos das no na nos nas em por pelo pela para pra pro com sem e ou \
            mas que se me te meu minha meus minhas seu sua eu voce vc vcs voces ele ela isso isto esse essa este \
            esta sou estou to tou tem ter nao sim ja mais muito como quando onde qual quem porque pq pfv ok tambem \
            tb aqui ai tudo todo toda vou vai vamos vao
            """),
        .ar: words("""
            في من الي علي عن مع ان انا انت انتم هو هي نحن هم هذا هذه ذلك تلك التي الذي ما ماذا هل لا لم لن كيف متي \
            اين او ثم قد بعض يا و ف ب ل كان يكون عند لي لك له بها فيه اي شو ايش لو بس كل شيء شي كم بدون لدي عندي \
            يمكن يمكنني يمكنك ممكن استطيع تستطيع نستطيع هناك هنا الذين
            """),
    ]

    /// Every language's list in one set, for the weight of a word in matching.
    static let all: Set<String> = lists.values.reduce(into: Set<String>()) { $0.formUnion($1) }

    /// Each stopword → the languages whose list has it (bit per `Language.allCases` index): one lookup instead of
    /// one per language.
    static let masks: [String: UInt8] = {
        var masks: [String: UInt8] = [:]
        for (language, words) in lists {
            for word in words { masks[word, default: 0] |= language.bit }
        }
        return masks
    }()

    private static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }
}
