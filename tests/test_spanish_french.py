"""Spanish and French: names, namesakes, sources, persons and venues, one table each.

Spanish and French news name the three countries in ways an English catalogue does not list:
abbreviations with and without their dots (EE.UU., EE. UU., EEUU, EUA), demonyms that agree in
gender and number (estadounidense, norteamericanas, étatsuniens), officials in each
language's transliteration (Shoigú, Choïgou, Prigojine), and state media by their local names
(RIA Nóvosti, Spoutnik, Diario del Pueblo). They also carry the names inside idioms and
things that are not the country (montaña rusa, cuento chino, roulette russe, casse-tête
chinois, à l'américaine), and name a country as the *source* of a claim ("informó la agencia
rusa TASS", "selon la chaîne américaine CNN"), as a person's nationality ("el multimillonario
estadounidense", "une touriste américaine") or as a venue ("la Asamblea General de la ONU en
Nueva York"). Every sentence here was written for this table; rows naming a country, or reading
as a subject, guard the new knowledge against overreach.
"""

from __future__ import annotations

import pytest

from monitor.config import RuleConfig
from monitor.rules.catalogue import load_catalogue
from monitor.rules.engine import RuleEngine
from monitor.rules.matcher import Fields, Matcher
from monitor.rules.roles import Role, roles
from monitor.rules.salience import counted

CATALOGUE = load_catalogue()
MATCHER = Matcher(CATALOGUE)
ENGINE = RuleEngine([RuleConfig.model_validate(
    {"name": "r", "countries": {"at_least": 2, "of": ["RU", "CN", "US"]}})], CATALOGUE)
RU, CN, US, NONE = {"RU"}, {"CN"}, {"US"}, set[str]()
RU_US, CN_US, RU_CN = {"RU", "US"}, {"CN", "US"}, {"RU", "CN"}
S, SOURCE, VENUE, PERSON, ORIGIN = (Role.SUBJECT, Role.SOURCE, Role.VENUE, Role.PERSON,
                                    Role.ORIGIN)


def named(text: str) -> set[str]:
    """The countries the text's names identify (weak names only beside a strong one)."""
    mentions = counted(MATCHER.find_in(text, "title"), CATALOGUE)
    return {c for m in mentions for e in m.entity_ids
            if (c := CATALOGUE.entities[e].country) is not None}


NAMES = [
    # The United States: the abbreviation in every spelling, the demonyms, the institutions.
    ("Aranceles de EE.UU a México", US),
    ("La visita a EE. UU fue cancelada", US),
    ("E.E.U.U. anuncia sanciones contra Venezuela", US),
    ("Team USA gana el oro en baloncesto", NONE),
    ("El gobierno de EUA anunció nuevas medidas", US),
    ("Las tropas norteamericanas se retiran", US),
    ("La Fed mantiene las tasas", US),
    ("Los mercados esperan la decisión de la Fed", US),
    ("Detenidos por la Patrulla Fronteriza en Texas", US),
    ("Trump recibe a Sheinbaum en el Despacho Oval", US),
    ("Les étatsuniens votent mardi", US),
    ("Une réunion dans le Bureau ovale", US),
    ("Le département d'Etat approuve une vente d'armes", US),
    ("Le département d’État dément", US),
    ("Kristi Noem visita la frontera", US),
    ("Alejandro Mayorkas anuncia nuevas medidas migratorias", US),
    ("Musk dirigirá el Departamento de Eficiencia Gubernamental", US),
    ("Ramzán Kadírov amenaza a Polonia", RU),
    ("Pam Bondi ordena una investigación", US),
    ("Tulsi Gabbard et Kash Patel auditionnés", US),
    ("Karoline Leavitt defendió los aranceles", US),
    ("Howard Lutnick anuncia acuerdos comerciales", US),
    ("Les élections de mi-mandat outre-Atlantique", US),
    ("El Tío Sam pierde la paciencia", US),
    ("Le géant asiatique ralentit", CN),
    # Compound adjectives: the first half is a country too.
    ("La rivalité sino-américaine s'aggrave", CN_US),
    ("Las relaciones sino-estadounidenses", CN_US),
    ("Le sommet américano-russe", RU_US),
    ("La guerre russo-ukrainienne", RU),
    ("No es Japón sino Corea", NONE),
    # Russia: the long name, the second city, officials in Spanish and French spelling.
    ("La Federación de Rusia responde", RU),
    ("Incendio en San Petersburgo", RU),
    ("Manifestation à Saint-Pétersbourg", RU),
    ("Serguéi Shoigú visita Pyongyang", RU),
    ("Sergueï Choïgou à Pyongyang", RU),
    ("La mort d'Evgueni Prigojine", RU),
    ("Mikhaïl Michoustine reçu à Minsk", RU),
    ("Alexéi Navalni murió en prisión", RU),
    ("María Zajárova criticó a la OTAN", RU),
    ("Mijaíl Mishustin presentó el presupuesto", RU),
    ("Valeri Guerásimov dirige la ofensiva", RU),
    ("Andréi Beloúsov, nuevo ministro de Defensa", RU),
    ("Andreï Belooussov nommé ministre", RU),
    ("Le pouvoir moscovite dément", RU),
    ("La agencia RIA Nóvosti y el Kremlin", RU),
    ("Selon Spoutnik et le Kremlin", RU),
    # China: its state media and epithets by their local names.
    ("El Diario del Pueblo y Pekín", CN),
    ("Le Quotidien du peuple et Pékin", CN),
    ("L'empire du Milieu accélère", CN),
    # Idioms and things named after a country: not the country.
    ("Una montaña rusa de emociones en la Bolsa", NONE),
    ("Subir a la montaña rusa del parque", NONE),
    ("Jugar a la ruleta rusa con la economía", NONE),
    ("Receta de ensaladilla rusa", NONE),
    ("Eso es un cuento chino", NONE),
    ("Robo en el barrio chino de Lima", NONE),
    ("Celebración del Año Nuevo chino en Madrid", NONE),
    ("Cena en un restaurante chino", NONE),
    ("Dibujo con tinta china", NONE),
    ("La China Suárez estrena película", NONE),
    ("Tu horóscopo chino de la semana", NONE),
    ("Un jeu de roulette russe", NONE),
    ("Les montagnes russes du marché", NONE),
    ("Des poupées russes", NONE),
    ("Un vrai casse-tête chinois", NONE),
    ("Un spectacle d'ombres chinoises", NONE),
    ("Le Nouvel An chinois à Paris", NONE),
    ("Dîner au restaurant chinois", NONE),
    ("Un mariage à l'américaine", NONE),
    ("Le football américain à la télé", NONE),
    ("Coupe de l'America à Barcelone", NONE),
    ("La Copa America en juin", NONE),
    ("Denzel Washington regresa al cine", NONE),
    # US newspapers named after a place or the country are no country.
    ("Pemex negocia un crédito, informó The Wall Street Journal", NONE),
    ("El Miami Herald revela detalles del caso en Venezuela", NONE),
    ("USA Today: el papa visitará Argentina", NONE),
    ("Wall Street cierra en rojo", US),
    ("Messi brilla en el Inter Miami ante el Orlando City", NONE),
    ("Tráfico en Norteamérica y América del Sur", NONE),
    ("Sudamérica y Centroamérica", NONE),
    ("Alcaraz gana el Abierto de Estados Unidos", NONE),
    ("Nieve en Sierra Nevada", NONE),
    ("El Partido Colorado gana en Paraguay", NONE),
    ("Crecida del río Colorado en Mendoza", NONE),
    ("Lluvias en el departamento de Florida", NONE),
    ("Fiesta de San Francisco de Asís en Quito", NONE),
    ("Inundaciones en San Francisco de Macorís", NONE),
    ("Huracán en Florida", US),
    ("Niebla en San Francisco", US),
    ("Rétrospective Elia Kazan", NONE),
    # Russia's regions, Wagner, the Cuban and Mexican press's names of the United States.
    ("Combates en la región de Kursk", RU),
    ("Les combats dans la région de Koursk", RU),
    ("Inundaciones en Oremburgo", RU),
    ("Séisme au Kamtchatka", RU),
    ("Les mercenaires du groupe Wagner au Mali", RU),
    ("El Grupo Wagner en África", RU),
    ("La Crimée annexée", RU),
    ("El bloqueo yanqui contra Cuba", US),
    ("Migrantes mexicanos en la Unión Americana", US),
    ("Incendios en Los Ángeles", US),
    ("La DEA y el Comando Sur en el Caribe", US),
    ("Recortes en USAID", US),
    ("Kamala gana el debate", US),
    ("Kamala Persad-Bissessar gana en Trinidad", NONE),
    ("Detenido por ICE", NONE),
    ("Detenido por ICE en Texas", US),
    ("Una película subtitulada en chino", NONE),
    ("Traducido del ruso por su autor", NONE),
    ("Un roman traduit du russe", NONE),
    ("Cours de langue chinoise", NONE),
    ("Desfile en la Plaza Roja", RU),
    ("Inundaciones en Shanghái", CN),
    ("Elecciones en Nueva Jersey y Dakota del Norte", US),
    # ... and their Portuguese twins.
    ("Tiroteio em Nova Iorque deixa três mortos", US),
    ("Vulcão entra em erupção no Havaí", US),
    ("Tempestade atinge a Carolina do Norte", US),
    ("Incêndio em Filadélfia", US),
    ("Nova Jérsia aprova lei", US),
    ("São Petersburgo recebe fórum", RU),
    # China's companies as the Spanish, French and Portuguese press names them.
    ("BYD abre una planta en Brasil", CN),
    ("Shein et Temu inondent l'Europe de colis", CN),
    ("DeepSeek abala as big techs", CN),
    # The WTI benchmark is "Texas" in Spanish wire copy: a price, not the state.
    ("El petróleo de Texas sube un 2 %", NONE),
    ("El Brent y el Texas caen por la demanda", NONE),
    ("El barril de petróleo intermedio de Texas (WTI) cae", NONE),
    ("Le pétrole texan recule", NONE),
    ("Petróleo do Texas sobe 2%", NONE),
    ("Tiroteo en una escuela de Texas", US),
    ("Le gouverneur du Texas signe la loi", US),
    # Dmitry Medvedev with his first name (his surname alone is also the tennis player's).
    ("Dmitri Medvédev amenaza a Occidente", RU),
    ("Dmitri Medvedev menace l'Occident", RU),
    ("Medvédev gana en tres sets", NONE),
    # "americano" counts beside an unambiguous name of the United States only.
    ("Los países del continente americano", NONE),
    ("El presidente americano y la Casa Blanca", US),
    # ... and the country itself beside them.
    ("La economía rusa, una montaña rusa", RU),
    ("La delegación china viajó a Lima", CN),
    ("Le gouvernement chinois et les ombres chinoises", CN),
    # A company named with its country ("du chinois Huawei") is that country's actor; only a
    # language after a verb of translating is not the country.
    ("La filiale du chinois Geely ouvre une usine en Alsace", CN),
    ("Le rachat du russe Severstal par un fonds suisse", RU),
    ("L'usine du chinois BYD en Hongrie", CN),
    ("La planta del chino BYD en Brasil", CN),
    ("Las fundiciones del ruso Rusal en Guinea", RU),
    ("Un roman traduit du russe par André Markowicz", NONE),
    ("Des poèmes traduits du chinois", NONE),
    ("Sa traduction du russe est parue en 1990", NONE),
    ("Un libro traducido del chino al español", NONE),
    ("Cuentos traducidos del ruso", NONE),
    ("La traducción del ruso de la novela", NONE),
    # Virginie is the state after a preposition or an article, and a French first name before
    # a surname.
    ("Virginie Calmels a rencontré l'ambassadeur de Chine", CN),
    ("Virginie Efira présente son film à Cannes", NONE),
    ("Élection du gouverneur en Virginie", US),
    ("La Virginie vote mardi", US),
    ("Le gouverneur de Virginie signe la loi", US),
    ("L'État de Virginie adopte son budget", US),
    ("Les mineurs de Virginie-Occidentale en grève", US),
    # The continent's compounds, hyphenated in French and Portuguese: not the United States.
    ("Les pays latino-américains signent un accord", NONE),
    ("La diplomatie sud-américaine et centre-américaine", NONE),
    ("Os países latino-americanos assinam acordo", NONE),
    ("A seleção sul-americana nos Jogos Pan-Americanos", NONE),
    ("As nações centro-americanas e ibero-americanas", NONE),
]


@pytest.mark.parametrize(("text", "want"), [pytest.param(t, w, id=t[:40]) for t, w in NAMES])
def test_names_and_namesakes(text: str, want: set[str]) -> None:
    assert named(text) == want


def counted_names(text: str) -> set[str]:
    """The texts of the mentions counted (weak names only beside a strong one)."""
    return {m.text for m in counted(MATCHER.find_in(text, "title"), CATALOGUE)}


# Weak names: the parties and the midterms (other countries have Republican and Democratic
# parties), Brazil's "americano", Latin America's "gringo": beside the country only.
WEAK = [
    ("El Partido Demócrata y la Casa Blanca", "Partido Demócrata", True),
    ("El Partido Republicano de Kast gana en Chile", "Partido Republicano", False),
    ("Le Parti républicain reprend la Chambre des représentants des États-Unis",
     "Parti républicain", True),
    ("Os democratas e o Partido Democrata nos EUA", "Partido Democrata", True),
    ("O mercado americano e os EUA", "americano", True),  # ("governo americano" is strong)
    ("O continente americano", "americano", False),
    ("Los gringos y Estados Unidos", "gringos", True),
    ("Las elecciones de mitad de mandato en EE. UU.", "elecciones de mitad de mandato", True),
    # ... but not the names other countries' parties and elections bear, even beside the US:
    # France's Les Républicains, Brazil's Republicanos, Chile's Partido Republicano, the
    # sociaux-démocrates, Argentina's and Mexico's midterms.
    ("Les Républicains répondent aux droits de douane des États-Unis", "Républicains", False),
    ("Les chrétiens-démocrates allemands et les États-Unis", "démocrates", False),
    ("Hugo Motta, do Republicanos, critica a tarifa dos EUA", "Republicanos", False),
    ("Os sociais-democratas e os EUA", "democratas", False),
    ("El Partido Republicano de Kast y Estados Unidos", "Partido Republicano", False),
    ("Los republicanos chilenos celebran; EE.UU. felicita a Kast", "republicanos", False),
    ("Las elecciones intermedias en Argentina y el apoyo de EE.UU.", "elecciones intermedias",
     False),
    ("Las elecciones de medio término y el apoyo de Estados Unidos a Milei",
     "elecciones de medio término", False),
]


@pytest.mark.parametrize(("text", "name", "want"), [pytest.param(*r, id=r[0][:40]) for r in WEAK])
def test_weak_names_count_beside_the_country(text: str, name: str, want: bool) -> None:
    assert (name in counted_names(text)) is want


def role_in(text: str, name: str) -> Role:
    fields = Fields(title="", lead=text, body="")
    mentions = counted(MATCHER.find(fields), CATALOGUE)
    found = [r for m, r in zip(mentions, roles(mentions, fields, CATALOGUE), strict=True)
             if m.text == name]
    assert found, f"{name!r} is not a mention of {text!r}"
    return found[0]


ROLES = [
    # The source of a claim: a news agency, a channel, a newspaper, a site of a country.
    ("El ataque dejó diez muertos, informó la agencia rusa TASS.", "rusa", SOURCE),
    ("Así lo publicó la agencia estatal rusa RIA Nóvosti.", "rusa", SOURCE),
    ("De acuerdo con la cadena estadounidense CNN, el acuerdo está cerca.", "estadounidense",
     SOURCE),
    ("El periódico estadounidense The Wall Street Journal reveló el plan.", "estadounidense",
     SOURCE),
    ("La noticia fue difundida por la televisión china.", "china", SOURCE),
    ("Le plan a été révélé par la chaîne américaine CNN.", "américaine", SOURCE),
    ("Le journal américain a publié la lettre.", "américain", SOURCE),
    ("D'après l'agence officielle chinoise, le bilan s'alourdit.", "chinoise", SOURCE),
    ("Le site américain Axios affirme que l'accord est proche.", "américain", SOURCE),
    ("Citado por medios rusos, el general negó la retirada.", "rusos", SOURCE),
    ("Le ministre, cité par des médias russes, a démenti.", "russes", SOURCE),
    ("Fuentes del Pentágono confirmaron el bombardeo.", "Pentágono", SOURCE),
    ("Así lo aseguraron funcionarios del gobierno estadounidense.", "estadounidense", SOURCE),
    ("Des sources au Pentagone confirment la frappe.", "Pentagone", SOURCE),
    ("Un alto funcionario de la Casa Blanca confirmó el ataque.", "Casa Blanca", SOURCE),
    # ... an agency of the state is the state acting, not a teller.
    ("La agencia estadounidense de medicamentos aprobó la vacuna.", "estadounidense", S),
    ("L'agence américaine de l'environnement interdit le produit.", "américaine", S),
    ("La agencia USAID fue desmantelada.", "USAID", S),
    # A dateline: Latin-American wire style, with or without a date, and Prensa Latina's.
    ("Washington, 5 ene (Prensa Latina) El gobierno de Venezuela denunció", "Washington", VENUE),
    ("WASHINGTON.- El gobierno de Colombia anunció", "WASHINGTON", VENUE),
    ("Moscú, 3 de marzo (EFE).- El gobierno de Cuba firmó", "Moscú", VENUE),
    ("Washington anunció nuevas sanciones contra Caracas.", "Washington", S),
    # A person: a nationality after a noun for a person.
    ("El multimillonario estadounidense compró el club.", "estadounidense", PERSON),
    ("Una joven rusa fue rescatada en los Andes.", "rusa", PERSON),
    ("Los migrantes chinos cruzan el Darién.", "chinos", PERSON),
    ("Un homme d'affaires américain arrêté à Bangkok.", "américain", PERSON),
    ("Une touriste chinoise blessée à Nice.", "chinoise", PERSON),
    ("Le milliardaire américain a racheté le journal.", "américain", PERSON),
    ("El ejército ruso avanza en el este.", "ruso", S),
    # ... a nationality noun after an indefinite article or a number, named or not; the
    # definite plural is the country's people or government.
    ("Un estadounidense fue detenido en Caracas.", "estadounidense", PERSON),
    ("Tres rusos resultaron heridos en Tailandia.", "rusos", PERSON),
    ("Une Américaine a été arrêtée à Bali.", "Américaine", PERSON),
    ("Um russo foi preso em Lisboa.", "russo", PERSON),
    ("Los estadounidenses acuden a las urnas.", "estadounidenses", S),
    ("Les Américains ont frappé des cibles en Syrie.", "Américains", S),
    ("Un avión ruso se estrelló en Siberia.", "ruso", S),
    # ... after a trade: a film-maker, a swimmer, a director, a comedian.
    ("El cineasta estadounidense presentó su documental.", "estadounidense", PERSON),
    ("La nadadora china batió el récord.", "china", PERSON),
    ("Le réalisateur américain présente son film à Cannes.", "américain", PERSON),
    ("L'humoriste américain a annulé sa tournée.", "américain", PERSON),
    ("El economista estadounidense Paul Krugman advierte de una recesión.", "estadounidense",
     PERSON),
    ("Des chercheurs américains ont découvert une nouvelle molécule.", "américains", PERSON),
    ("Cientistas chineses criam bateria mais eficiente.", "chineses", PERSON),
    ("Investigadores estadounidenses examinan los restos del avión.", "estadounidenses", S),
    ("Los pilotos rusos bombardearon la ciudad.", "rusos", S),
    ("Los productores chinos de acero bajan precios.", "chinos", S),
    # ... nor market players: business prose calls firms acteurs, actores, jugadores, joueurs.
    ("Les acteurs chinois de la batterie dominent le marché.", "chinois", S),
    ("Los actores chinos del mercado del litio suben precios.", "chinos", S),
    ("Los jugadores estadounidenses del sector recortan empleos.", "estadounidenses", S),
    ("Les joueurs américains du cloud investissent en Europe.", "américains", S),
    ("L'acteur chinois a reçu un prix à Cannes.", "chinois", PERSON),
    ("El jugador ruso firmó con el Real Madrid.", "ruso", PERSON),
    # ... a nationality noun before a name (French: a capital; Spanish: el, or two names).
    ("L'Américain Noah Lyles a remporté la course.", "Américain", PERSON),
    ("El ruso Medvédev perdió en Shanghái.", "ruso", PERSON),
    ("La estadounidense Coco Gauff ganó en Pekín.", "estadounidense", PERSON),
    ("La estadounidense Boeing despidió a miles.", "estadounidense", S),
    ("L'américain Boeing supprime des emplois.", "américain", S),
    ("La china BYD supera a Tesla.", "china", S),
    ("Le gouvernement américain dément.", "américain", S),
    # "Of" is not "in": a country's court or embassy, a meeting of two countries act ...
    ("La Corte Suprema de EE. UU. anuló el fallo.", "EE. UU.", S),
    ("La Embajada de Estados Unidos en Bogotá emitió una alerta.", "Estados Unidos", S),
    ("L'ambassade des États-Unis à Kiev ferme ses portes.", "États-Unis", S),
    ("A embaixada dos EUA em Brasília emitiu um alerta.", "EUA", S),
    ("La reunión de Estados Unidos y China terminó sin acuerdo.", "Estados Unidos", S),
    ("La cumbre de Rusia y África se celebra cada tres años.", "Rusia", S),
    # ... an event named after its place is held there: a Grand Prix, a tournament, a summit.
    ("Hamilton ganó el Gran Premio de Estados Unidos.", "Estados Unidos", VENUE),
    ("Medvédev ganó el Masters de Miami.", "Miami", VENUE),
    ("La cumbre de Washington reunió a líderes africanos.", "Washington", VENUE),
    ("La conférence de Washington a réuni quarante pays.", "Washington", VENUE),
    # ... and the seat of an international body: the UN's New York, the OAS's Washington.
    ("Radicó una petición ante la CIDH, en Washington.", "Washington", VENUE),
    ("En Nueva York, el Consejo de Seguridad de la ONU votó la resolución.", "Nueva York",
     VENUE),
    ("Le FMI a publié à Washington ses prévisions pour l'Afrique.", "Washington", VENUE),
    ("Washington pidió al Consejo de Seguridad de la ONU nuevas sanciones.", "Washington", S),
    ("Un tiroteo en Nueva York dejó tres muertos.", "Nueva York", S),
    # A venue: the UN in New York, a concert, a festival, a trial.
    ("Habló ante la Asamblea General de la ONU en Nueva York.", "Nueva York", VENUE),
    ("El concierto en Washington reunió a miles.", "Washington", VENUE),
    ("Le festival à New York a été annulé.", "New York", VENUE),
    # A match: a tennis, baseball or Olympic sentence names players and teams.
    ("El estadounidense Taylor Fritz ganó el partido de tenis en tres sets.", "estadounidense",
     PERSON),
    ("Le Russe Daniil Medvedev s'est qualifié au tournoi de tennis.", "Russe", PERSON),
    ("Los Dodgers ganaron la Serie Mundial de béisbol en Estados Unidos.", "Estados Unidos",
     PERSON),
    # A biography: born, settled, exiled there.
    ("El escritor nació en Estados Unidos en 1950.", "Estados Unidos", ORIGIN),
    ("Elle est installée aux États-Unis depuis 1990.", "États-Unis", ORIGIN),
    ("Il ne va pas en Russie cette année.", "Russie", S),
    # A work of a country's culture: where it comes from.
    ("Las series estadounidenses dominan Netflix.", "estadounidenses", ORIGIN),
    ("Le cinéma chinois bat des records.", "chinois", ORIGIN),
    ("Un roman russe adapté au théâtre.", "russe", ORIGIN),
    ("La serie de sanciones estadounidenses golpea a Caracas.", "estadounidenses", S),
    # ... a correspondent sent there.
    ("Notre envoyée spéciale à Washington raconte le scrutin.", "Washington", VENUE),
    # A border with a country, and where migrants head: geography beside the story.
    ("Miles de migrantes esperan en la frontera con Estados Unidos.", "Estados Unidos", ORIGIN),
    ("Caminan rumbo a Estados Unidos desde Tapachula.", "Estados Unidos", ORIGIN),
    ("La caravane est en route vers les États-Unis.", "États-Unis", ORIGIN),
    ("Estados Unidos cerró la frontera con México.", "Estados Unidos", S),
    ("Miles de migrantes caminan hacia la frontera sur de EE.UU.", "EE.UU.", ORIGIN),
    ("Cientos de migrantes esperan en la frontera de Estados Unidos.", "Estados Unidos",
     ORIGIN),
    # ... but a border crossed by an army or drones is the country's territory under attack.
    ("Drones ukrainiens franchissent la frontière de la Russie.", "Russie", S),
    ("Corea del Norte envía tropas a la frontera de Rusia.", "Rusia", S),
    ("Tropas ucranianas cruzaron la frontera de Rusia.", "Rusia", S),
    # A trip called off is no visit (in the lead, roles_i18n's table), but a travel ban stops
    # other people's trips: the country acts; and Spanish "reportes" are reports.
    ("Trump suspende los viajes a Estados Unidos de ciudadanos de 12 países.",
     "Estados Unidos", S),
    ("Los reportes sobre la visita a Rusia de Maduro preocupan.", "Rusia", S),
    # "a Washington" after a request is the US government addressed, not the IMF's seat.
    ("Milei pidió a Washington que respalde el acuerdo con el FMI.", "Washington", S),
    # A selection of companies or projects is no national team, a friendly meeting of two
    # countries no friendly match; the team, qualified or capitalised, still is.
    ("Os EUA anunciaram a seleção de empresas da China para sanções.", "EUA", S),
    ("Pékin annonce la sélection de projets avec la Russie.", "Russie", S),
    ("Washington anunció la selección de proveedores chinos.", "Washington", S),
    ("Rusia y China celebraron un encuentro amistoso en Moscú.", "Rusia", S),
    ("La selección mexicana venció a Estados Unidos.", "Estados Unidos", PERSON),
    ("A Seleção enfrenta os EUA em amistoso.", "EUA", PERSON),
    ("A seleção brasileira enfrenta os EUA.", "EUA", PERSON),
    ("La sélection nationale affronte la Russie.", "Russie", PERSON),
    ("La Selección enfrenta a Estados Unidos en Houston.", "Estados Unidos", PERSON),
    # "encontrou" (found) is no "encontro" (meeting), a GPU or a GPS no Grand Prix, a Galaxy
    # phone no gala, a bank's exposure no exhibition, an adjective no song ("sencillo").
    ("A polícia encontrou drogas nos EUA.", "EUA", S),
    ("Nvidia no podrá vender sus GPU en China.", "China", S),
    ("Las interferencias del GPS en Rusia preocupan a la OTAN.", "Rusia", S),
    ("Samsung lanza el Galaxy S25 en China.", "China", S),
    ("L'exposition des banques françaises en Russie reste forte.", "Russie", S),
    ("La exposición de los bancos europeos en Rusia preocupa.", "Rusia", S),
    ("Votar en Texas no es sencillo para los latinos.", "Texas", S),
    ("La exposición de Picasso en Nueva York abre el lunes.", "Nueva York", VENUE),
    ("Shakira presenta su nuevo sencillo en Miami.", "Miami", VENUE),
    ("La caravana migrante avanza hacia Estados Unidos.", "Estados Unidos", ORIGIN),
    ("La caravane de migrants marche vers les États-Unis.", "États-Unis", ORIGIN),
    ("El huracán avanza hacia Florida.", "Florida", S),
    # ... and a country's community abroad lives there.
    ("La comunidad colombiana en Nueva York celebra la independencia.", "Nueva York", PERSON),
    ("La diaspora haïtienne aux États-Unis s'inquiète.", "États-Unis", PERSON),
    # A club named after its city; a national team in a sentence about a match (a score, a
    # draw, the World Cup); a city as a show's scene.
    ("Los Knicks de Nueva York perdieron en casa.", "Nueva York", PERSON),
    ("Wembanyama a brillé face aux Knicks de New York.", "New York", PERSON),
    ("La selección de México empató 1-1 con Estados Unidos.", "Estados Unidos", PERSON),
    # ... not a court's vote, whose tally reads like a score, nor a jury's selection.
    ("La Corte Suprema de EE. UU. decidió por 6-3 anular el fallo.", "EE. UU.", S),
    ("La Cour suprême des États-Unis tranche à 6-3.", "États-Unis", S),
    ("Comienza la selección del jurado en Nueva York.", "Nueva York", S),
    ("Argentina jugará el Mundial en Estados Unidos.", "Estados Unidos", PERSON),
    ("Seleção brasileira enfrenta os EUA em amistoso.", "EUA", PERSON),
    ("Seleção feminina vence os Estados Unidos por 2 a 1.", "Estados Unidos", PERSON),
    ("Brasil perde para os EUA no vôlei.", "EUA", PERSON),
    ("La Tri enfrenta a Estados Unidos en la Liga de Naciones de la Concacaf.",
     "Estados Unidos", PERSON),
    ("Les Bleues battues par les États-Unis en match amical.", "États-Unis", PERSON),
    ("México y Estados Unidos mantienen una relación amistosa.", "Estados Unidos", S),
    ("El Banco Mundial presta a Estados Unidos.", "Estados Unidos", S),
    ("El actor español triunfa en Hollywood.", "Hollywood", VENUE),
    ("Recibió el premio en Los Ángeles.", "Los Ángeles", VENUE),
    ("La chanteuse fera une tournée à travers les États-Unis.", "États-Unis", VENUE),
    ("La Policía de Nueva York detuvo al sospechoso.", "Nueva York", S),
    # ... but a series of attacks, a price, the verb "girar", the parties to a conflict or a
    # market are no show.
    ("Una serie de tornados azota Texas y Oklahoma.", "Texas", S),
    ("Une série d'attaques frappe New York.", "New York", S),
    ("Les prix de l'essence flambent en Californie.", "Californie", S),
    ("El debate gira en torno a la inmigración en Texas.", "Texas", S),
    ("Les acteurs économiques de Californie investissent.", "Californie", S),
    ("Le film a reçu le prix du jury à Los Angeles.", "Los Angeles", VENUE),
    ("La serie se rodó en Nueva York.", "Nueva York", VENUE),
    # ... and a record or a song is a show too; a place in a sentence about the ATP a venue
    # of the sport.
    ("Bad Bunny presentó su nuevo disco en Nueva York.", "Nueva York", VENUE),
    ("La chanteuse a enregistré sa chanson à Los Angeles.", "Los Angeles", VENUE),
    ("Sinner, número uno de la ATP, entrena en Miami.", "Miami", PERSON),
    # A company as a platform or a studio; a company acting in the economy stays a subject.
    ("La serie ya está disponible en Netflix.", "Netflix", ORIGIN),
    ("Netflix dévoile la bande-annonce de la saison 2.", "Netflix", VENUE),
    ("Netflix anuncia despidos masivos.", "Netflix", S),
    ("Boeing suspend sa production.", "Boeing", S),
    ("La tecnológica, propietaria de Facebook, despide a miles.", "Facebook", S),
    ("Huelga en Boeing por los salarios.", "Boeing", S),
    # Things that come from a place: films, products.
    ("Le festival présente trois films venus de Pékin.", "Pékin", ORIGIN),
    # Remittances sent from a country come from it: the story is the receiving economy's.
    ("Las remesas desde Estados Unidos crecieron un 5%.", "Estados Unidos", ORIGIN),
    ("Les transferts d'argent depuis les États-Unis ont baissé.", "États-Unis", ORIGIN),
    ("Estados Unidos endureció las deportaciones.", "Estados Unidos", S),
]


@pytest.mark.parametrize(("text", "name", "want"),
                         [pytest.param(t, n, w, id=t[:40]) for t, n, w in ROLES])
def test_role_of_a_mention(text: str, name: str, want: Role) -> None:
    assert role_in(text, name) is want


def title_role(title: str, name: str) -> Role:
    fields = Fields(title=title, lead="", body="")
    mentions = counted(MATCHER.find(fields), CATALOGUE)
    found = [r for m, r in zip(mentions, roles(mentions, fields, CATALOGUE), strict=True)
             if m.text == name]
    assert found, f"{name!r} is not a mention of {title!r}"
    return found[0]


# A profile: the person "who" did something somewhere; the place is the story's setting,
# unless the state there acted on the person, or a crime or a disaster happened there.
PROFILES = [
    ("La polémica historia del mexicano que asegura haber inventado los Cheetos en EE.UU.",
     "EE.UU.", VENUE),
    ("El colombiano que trabaja en la NASA", "NASA", VENUE),
    ("La historia de la peruana que triunfa como chef en Nueva York", "Nueva York", VENUE),
    ("O brasileiro que fez fortuna nos EUA", "EUA", VENUE),
    ("Le Sénégalais qui a ouvert trois restaurants à New York", "New York", VENUE),
    ("El mexicano que fue ejecutado en Texas", "Texas", S),
    ("La mujer que sobrevivió al tiroteo en Texas", "Texas", S),
    ("La empresa que más invierte en Estados Unidos", "Estados Unidos", S),
    ("La ley que entra en vigor en Texas", "Texas", S),
    ("La semana que cambió todo en Washington", "Washington", S),
    ("Los estudiantes que protestan en Estados Unidos contra la guerra", "Estados Unidos", S),
    ("Le pain qui coûte cher aux États-Unis", "États-Unis", S),
    # ... nor the things a person's endings also spell: a chain, a sentence, a tanker.
    ("La cadena que revolucionó la comida rápida en Estados Unidos", "Estados Unidos", S),
    ("La condena que enfrenta en Estados Unidos el exministro", "Estados Unidos", S),
    ("O petroleiro que encalhou na Rússia", "Rússia", S),
    ("El submarino que se hundió en aguas de Rusia", "Rusia", S),
    ("A carreira que mais contrata nos EUA", "EUA", S),
    # A headline's trip called off stays the country's story (a leader's diplomacy).
    ("Blinken aplaza su viaje a China por el globo espía", "China", S),
    ("Lula cancela viagem à China", "China", S),
]


@pytest.mark.parametrize(("title", "name", "want"),
                         [pytest.param(*r, id=r[0][:40]) for r in PROFILES])
def test_the_setting_of_a_profile(title: str, name: str, want: Role) -> None:
    assert title_role(title, name) is want


def about(title: str, lead: str) -> set[str]:
    return {c for c, s in ENGINE.analyse(title, lead).countries.items() if s.about}


ABOUT = [
    ("Trump y Putin hablan por teléfono sobre Ucrania", "La Casa Blanca confirmó la llamada.",
     RU_US),
    ("México celebra récord de remesas", "Las remesas enviadas desde Estados Unidos sumaron "
     "64.000 millones de dólares.", NONE),
    ("Incendio en una fábrica de Guadalajara", "El siniestro ocurrió el lunes, informó la "
     "agencia estadounidense AP.", NONE),
    ("Xi Jinping reçoit Vladimir Poutine à Pékin", "Les deux dirigeants ont signé un accord.",
     RU_CN),
    ("Inondations dans le sud de la France", "Le bilan s'alourdit, selon la chaîne américaine "
     "CNN.", NONE),
    ("La Bourse de Paris, des montagnes russes", "Le CAC 40 a perdu 2 %.", NONE),
    ("EUA impone aranceles al acero chino", "El Departamento de Comercio anunció la medida.",
     CN_US),
    # A leader's or an official's tour is a state visit, not an artist's tour.
    ("Poutine entame une tournée en Chine", "Le président russe arrive lundi.", RU_CN),
    ("Putin inicia una gira por China", "El mandatario llega el lunes.", RU_CN),
    ("Blinken, de gira por China", "El secretario de Estado llegó a Shanghái.", CN_US),
    ("Shakira anuncia su gira por Estados Unidos", "La cantante actuará en 20 ciudades.", NONE),
]


@pytest.mark.parametrize(("title", "lead", "want"),
                         [pytest.param(t, le, w, id=t[:40]) for t, le, w in ABOUT])
def test_what_the_story_is_about(title: str, lead: str, want: set[str]) -> None:
    assert about(title, lead) == want
