/// Words of everyday topics that a helpline for click workers never handles: weather, sport, cooking, school
/// homework, travel papers, films, books and music, consumer devices and apps, dating, elections, investing,
/// fitness, renting a flat, driving licences, shopping, translation. A message built around one of them
/// ("minimum wage for a football player in the 1950s", "my visa was rejected, how do I appeal") borrows a
/// helpline word or two but is about something else, and should fall back honestly rather than get the answer
/// about rejected HITs.
///
/// How it is used (`MatcherConfiguration.offTopicWordWeight`): in the share of a message's content words that
/// lower every non-urgent intent's score, an off-topic word counts that many times. Urgent intents (crisis) are
/// never lowered by it: "I failed my exam and I want to die" must still reach a volunteer.
///
/// Rules for editing: words as the matcher normalises them (lowercase, no accents, Arabic letters unified),
/// whole words (write plurals out), only words whose everyday sense is off-topic for workers. Words that
/// workers use about their work stay out even when they are often off-topic (phone, internet, passport, dollar,
/// crypto, whatsapp, exam, install, tiktok, amazon): scams ask for passports and crypto, recruiters write on
/// WhatsApp, qualification exams are unpaid work. And an example always wins: a word that some intent's
/// examples use is not off-topic for this answer set, whatever this list says (`MatcherIndex`).
enum OffTopicWords {
    static let all: Set<String> = {
        var words = Set<String>()
        for text in [weather, sport, food, school, travel, entertainment, devices, dating, politics, money, fitness,
                     housing, driving, translation, shopping, other] {
            for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                words.insert(TextNormalizer.normalize(String(word)))
            }
        }
        words.remove("")
        return words
    }()

    static let weather = """
        weather forecast rain raining rainy snow snowing sunny humidity meteo pluie pleut neige ensoleille \
        clima lluvia llueve llover nieve pronostico chuva chovendo previsao طقس الطقس مطر المطر امطار ثلج
        """
    static let sport = """
        football footballer soccer basketball basket nba nfl fifa goalkeeper player players joueur joueurs \
        champions league messi ronaldo neymar \
        mbappe psg footballeur foot ligue futbol futbolista clasico jugador jugadores futebol jogador flamengo \
        corinthians كره القدم مباراه مباراة لاعب الزمالك الاهلي
        """
    static let food = """
        recipe recipes cook cooking bake baking calories calorie pizza restaurant pasta croissant banana egg eggs \
        boil arepa arepas recette recettes cuire cuisson gateau pates blanquette receta recetas cocinar cocina \
        arroz empanada calorias receita receitas cozinhar bolo ovo coxinha queijo وصفه وصفة طبخ بيتزا البيتزا \
        مطعم المطعم فلافل سعره سعرات الكبه الكبسه كبسه
        """
    static let school = """
        homework algebra math maths mathematics physics chemistry biology essay devoir devoirs physique \
        chimie deberes fisica quimica matematicas matematica matematicas colegio escuela dever licao escola \
        واجب الرياضيات الفيزياء مدرسه المدرسه
        """
    static let travel = """
        visa visas embassy consulate flight flights hotel vacation holidays consulat ambassade embajada consulado \
        vuelo vacaciones viagem ferias فيزا الفيزا تاشيره سفاره السفاره قنصليه
        """
    static let entertainment = """
        movie movies film films netflix spotify song songs music poem poems joke jokes horoscope zodiac blague \
        poeme chanson musique horoscope pelicula peliculas chiste cancion poema horoscopo filme filmes piada \
        musica novela مسلسل فيلم نكته قصيده اغنيه برج الابراج
        """
    static let devices = """
        laptop wifi windows iphone android charger battery instagram facebook snapchat ordinateur chargeur \
        batterie portatil cargador bateria notebook carregador لابتوب ويندوز الشاحن شاحن
        """
    static let dating = """
        girlfriend tinder crush draguer copine novia namorada حبيبتي
        """
    static let politics = """
        vote voting election elections president presidential presidentielles elecciones votar eleicoes \
        انتخابات الانتخابات
        """
    static let money = """
        bitcoin solana ethereum stocks forex investment investing invest investir inversion invertir \
        investimento cotacao cotizacion بيتكوين البيتكوين استثمار
        """
    static let fitness = """
        gym workout diet abs belly musculation abdos gimnasio dieta academia barriga تمارين رجيم
        """
    static let housing = """
        landlord tenant lease apartment loyer proprietaire alquiler apartamento inquilino aluguel
        """
    static let driving = """
        driving licence permis licencia carteira motorista رخصه السواقه
        """
    static let translation = """
        translate translation traduire traduis traduction traducir traduce traduceme traduccion traduzir traduz \
        traducao ترجم ترجمه
        """
    static let shopping = """
        pharmacy pharmacie farmacia supermarket supermarche supermercado shoes chaussures zapatos sapatos clothes \
        vetements ropa roupa camera camara mechanic voiture coche carro
        """
    static let other = """
        capital capitale dog puppy chien perro cachorro book books novel livre livres libro libros livro livros
        """
}
