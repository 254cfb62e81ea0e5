"""The word lists the cache's verifier reads questions with, in English, German, French and
Spanish (hybridai.cache.reading parses them; hybridai.cache.verify decides with them).

Words are written in lower case, with their accents; the reader folds accents away (``é``
is ``e``, ``ß`` is ``ss``) on both sides, so a question typed without accents still matches.

- ``FUNCTION``: closed-class words (articles, pronouns, auxiliaries, modals, prepositions,
  question words, politeness and framing words such as "please", "explain", "tell me", "I'd
  like to know"). A difference in them alone never makes two questions different; the ones
  that do carry the answer (negations, degree words, question words, directions) are also in
  the lists below and checked on their own. Library stop-word lists were not used: they
  hold words that change the answer ("first", "before", "groß", "without").
- ``NEGATIONS``, ``DEGREE`` (more/less, plus/moins…), ``QUESTION`` (who/when/where/why,
  which never stand for one another), ``CONNECTIVES`` (the words whose two sides must not
  swap: "Celsius *to* Fahrenheit", "older *than*").
- ``CONCEPTS``: one line per meaning field (a line that starts with spaces goes on).
  ``|`` joins synonyms (one concept); `` / `` separates concepts that exclude each other:
  antonyms ("big|large / small") or alternatives that never get the same answer ("winter /
  summer / spring / autumn|fall", "radius / diameter / circumference"). A member may be a
  phrase ("turn on"). A line that starts with ``~`` lists framing phrases that never change
  the answer ("the best way", "the number of").
- ``UNITS``: each unit's names and symbols in all four languages; quantities are compared as
  (number, unit).
- ``CASE_SENSITIVE``: the words whose meaning changes with a capital (Nice/nice,
  Polish/polish, US/us): every other word is compared case-folded, so a German noun's capital
  says nothing and a name is a word like any other.
"""

from __future__ import annotations

LANGUAGES = ("en", "de", "fr", "es")

FUNCTION: dict[str, str] = {
    "en": """
a an the this that these those there here it its i me my mine myself you your yours yourself
we us our ours they them their theirs he him his she her hers one ones someone something
anyone anything somebody
is are was were be been being am do does did done doing have has had having get gets got
can could would should will shall may might must ought need needs
of for on in at by with about as to from into onto than so and or but if then also too
just really actually exactly basically simply please kindly thanks thank hi hello hey dear
some any much many lot lots kind sort type bit little quite very
what which how who whom whose when where why whether
s t d ll ve re m
explain explaining explanation describe describing tell telling know knowing wonder wondering
curious like want wanted wish help understand figure find out let show give gives giving
way ways steps step process method procedure possible quick question questions please
able mind appreciate trying try go going idea briefly overview between
happen happens happened occur occurs occurred usually generally typically normally ever
now currently nowadays using all every each people similar list suggest recommend advise propose
  good great work works purpose function role
  sorry bother bothering excuse yo wondered
""",
    "de": """
der die das den dem des ein eine einen einem einer eines dieser diese dieses diesen diesem
jener jene jenes ich du er sie es wir ihr mich mir dich dir ihn ihm uns euch ihnen sich
mein meine meinen meinem meiner meines dein deine deinen deinem deiner sein seine seinen
seinem seiner ihre ihren ihrem ihrer unser unsere unseren unserem euer eure man
ist sind war waren bin bist seid sein gewesen wird werden wirst wurde wurden worden
hat haben hatte hatten habe hast habt gibt gab geben
kann kannst können könnt konnte konnten könnte könnten muss musst müssen müsste sollte
sollten soll sollst sollen darf darfst dürfen will willst wollen möchte möchtest möchten
mag mögen würde würdest würden lässt lassen
von vom zu zum zur bei beim in im ins an am auf für über um durch gegen mit
und oder aber wenn dann auch nur noch schon sehr eigentlich genau bitte mal denn doch ja
so wie was welche welcher welches welchen welchem wer wen wem wessen wann wo warum wieso
weshalb woher wohin wozu worin womit wofür ob dass etwa überhaupt bloß eben halt
viel viele vielen
erkläre erklär erkläre erklären erklärt erkläre beschreibe beschreiben sag sage sagen
sagt wissen weiß gern gerne kurz frage hallo hi hey danke helfen hilf hilft verstehen
verraten verrate möglich art weise schritte zwischen heißt heißen lautet geht ging gehen
passiert geschieht passieren geschehen gibt jetzt gerade derzeit momentan
entschuldigung entschuldigen entschuldige sorry kurze nenn nenne nennen zeig zeige zeigen
wüsste wüssten gewusst hätte interessiert weißt wisst nen ner
""",
    "fr": """
le la les l un une des du de d au aux ce cet cette ces c ça cela ceci je j tu il elle on
nous vous ils elles me m te t se s moi toi lui leur leurs mon ma mes ton ta tes son sa ses
notre nos votre vos est sont être était étaient été suis es sommes êtes ai as a avons avez
ont avoir peut peux pouvez pouvons peuvent puis pourrais pourriez pourrait pouvoir dois doit
doivent devoir devrais faut veux veut voudrais voulez vouloir que qu qui quoi quel quelle
quels quelles comment combien lequel laquelle y en à dans par pour sur avec sous entre et
ou mais donc si aussi très vraiment exactement merci bonjour salut svp stp plaît plait
explique expliquer expliquez explique-moi décris décrire décrivez dis dire dites savoir
sais aimerais voudrais connaître aide aider comprendre possible façon manière étapes
question rapide petite entre faire fais fait passe arrive actuellement maintenant
excusez excuse pardon désolé désolée indiquer indique indiquez donne donnez donner montre
montrez montrer demandais demande auriez gentillesse savez savent
""",
    "es": """
el la los las lo un una unos unas del al de a en con por para sobre entre y o u e pero si
también muy yo tú tu te ti mi mis tus su sus nuestro nuestra nuestros nuestras me se nos os
le les es son está están estoy estás ser estar era eran fue fueron sido ha han he has hemos
haber hay había puedo puede puedes podemos pueden podría podrías podrían poder debo debe
debes deben deberían que qué cuál cual cuáles cuales cómo como cuánto cuanto cuánta cuánta
cuántos cuántas cuantos cuantas quién quien quiénes dónde donde cuándo cuando
favor gracias hola explica explícame explicame explicar explique describe describir dime
decir dígame saber sé quisiera quiero gustaría querría ayuda ayúdame ayudar entender
posible forma manera pasos pregunta rápida explicarme hacer hago hace haces pasa ocurre ahora
  mismo actualmente
tengo tiene tienen tener
disculpe disculpa perdón perdone perdona oye oiga dame deme decirme dígame enséñame
muéstrame indícame cuéntame preguntaba pregunto usted ustedes vosotros
""",
}

NEGATIONS: dict[str, str] = {
    "en": "not no never without nor none nothing nobody neither cannot avoid avoiding",
    "de": "nicht kein keine keinen keinem keiner keines nie niemals ohne nichts niemand weder "
          "vermeiden vermeide",
    "fr": "ne n pas jamais sans aucun aucune rien nul nulle ni éviter évite",
    "es": "no nunca jamás sin ningún ninguno ninguna nada nadie ni tampoco evitar evito",
}
"""French negation is counted by its clauses: ``ne … pas`` is one negation, not two."""

DEGREE: dict[str, str] = {
    "en": "more most less least",
    "de": "mehr meisten meiste weniger wenigsten",
    "fr": "plus moins aussi autant trop assez",
    "es": "más mas menos tan tanto demasiado",
}
"""Words that grade an adjective: "plus grand" is not "grand", nor "aussi grand"."""

QUESTION: dict[str, str] = {
    "en": "who:who whom whose which_person what_person which_artist which_author|"
          "when:when what_year which_year what_time what_date|where:where what_place "
          "which_place|why:why what_makes what_causes how_come what_reason",
    "de": "who:wer wen wem wessen welche_person welcher_künstler|when:wann welches_jahr "
          "welchem_jahr|where:wo woher wohin|why:warum wieso weshalb",
    "fr": "who:qui quel_artiste quelle_personne|when:quand quelle_année|where:où|"
          "why:pourquoi",
    "es": "who:quién quien quiénes qué_artista qué_persona|when:cuándo qué_año|"
          "where:dónde|why:por_qué",
}
"""Question words that ask for different things; "what year" may still stand for "when",
so these are compared only when both questions use one."""

SCOPE: dict[str, str] = {
    "en": "all:all every always|some:some several sometimes few",
    "de": "all:alle aller allen alles jeder jede jedes jeden immer|some:einige manche "
          "mancher manchmal",
    "fr": "all:tous toutes chaque toujours|some:quelques certains certaines parfois",
    "es": "all:todos todas cada siempre|some:algunos algunas algún alguna a_veces",
}
"""Quantifiers of a question's scope: "all bees" and "some bees" do not share an answer;
compared only when both questions use one ("Suggest some names" is "Suggest names")."""

BOUND_PREFIXES = (
    "sub sous sur over under pre pré re ré co self non anti ex post mini micro super semi "
    "multi auto contre contra inter out")
"""Prefixes that, joined to a word by a hyphen, make another word ("sous-louer" is not
"louer", "pre-order" not "order"): the hyphenated form is read as one word."""

BOUND_PARTICLES = "in out on off up down over"
"""English particles that, joined after a word by a hyphen, make another word ("check-in",
"check-out"): read as one word with it (French "peut-on" is a verb and its pronoun)."""

ONE: dict[str, str] = {
    "en": "a an one", "de": "ein eine einen einem einer eines", "fr": "un une",
    "es": "un una uno"}
"""The articles that count one before a unit: "a kilogram" is "1 kg"."""

MODIFYING_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("sub", "re", "pre", "over", "under", "co", "self", "mini", "micro", "super",
           "semi", "multi", "post", "inter", "out", "ex"),
    "de": ("unter", "über", "vor", "nach", "mit", "wieder", "rück", "neben", "haupt", "ur",
           "um"),
    "fr": ("sous", "sur", "re", "ré", "pré", "co", "super", "mini", "semi", "contre", "auto",
           "inter"),
    "es": ("sub", "sobre", "re", "pre", "co", "super", "mini", "semi", "contra", "auto",
           "inter"),
}
"""Prefixes that make a word into another one (vermieten/untervermieten, louer/sous-louer,
order/preorder): a word is never a synonym of itself under one of these."""

CONNECTIVES: dict[str, str] = {
    "en": "to into from than versus vs over",
    "de": "nach in zu als gegen von auf bis",
    "fr": "en vers à a que contre",
    "es": "a al en hacia que contra desde hasta",
}

PARTICLES = (
    "ab an auf aus bei ein fest fort her hin hoch los mit nach vor weg weiter zu zurück "
    "zusammen um herunter hinunter runter rauf herauf hinauf heraus hinaus raus rein herein "
    "hinein vorbei")
"""German separable-verb particles: "Wie setze ich es zurück?" is "zurücksetzen"."""

NEGATING_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("un", "dis", "in", "im", "il", "ir", "non", "de", "anti", "mis"),
    "de": ("un", "ent", "miss", "de", "des", "in", "anti", "nicht"),
    "fr": ("dé", "dés", "des", "de", "in", "im", "il", "ir", "mé", "més", "mal", "anti",
           "non"),
    "es": ("des", "dis", "in", "im", "i", "anti", "a", "contra", "no"),
}
"""Prefixes that turn a word into its opposite: enable/disable, sperren/entsperren,
activer/désactiver, honesto/deshonesto."""

OPPOSITE_PREFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("up", "down"), ("in", "out"), ("over", "under"), ("pre", "post"), ("im", "ex"),
           ("inc", "dec"), ("en", "de"), ("as", "des"), ("in", "ex")),
    "de": (("auf", "ab"), ("ein", "aus"), ("an", "ab"), ("hin", "rück"), ("hin", "her"),
           ("vor", "nach"), ("über", "unter"), ("zu", "ab"), ("hoch", "herunter"),
           ("hoch", "runter"), ("auf", "zu"), ("ein", "ab"), ("ver", "er")),
    "fr": (("im", "ex"), ("sur", "sous"), ("pré", "post"), ("ac", "dé"), ("in", "ex")),
    "es": (("im", "ex"), ("sobre", "sub"), ("pre", "post"), ("as", "des"), ("in", "ex")),
}
"""Prefix pairs that make opposites of one stem: upload/download, aufsteigend/absteigend,
einschalten/ausschalten, Hinflug/Rückflug, importer/exporter."""

SUFFIXES: dict[str, str] = {
    "en": "s es ed d ing e ly y ies ied ion ions ation ations ment ments al",
    "de": "e en n er ern es em s st t et te ten tet ert ier iert ieren ung ungen",
    "fr": "e es s er é ée és ées ent nt ons ez ais ait aient ant ation ations ement ment ir "
          "it is issent",
    "es": "o a os as e es ar er ir an en ado ada ados adas ido ida ó é amos ando iendo "
          "amente mente ción ciones",
}
"""Endings that leave a word's meaning: two words that differ only in these after a common
start of three letters or more are one word (funktioniert/funktionieren, rápido/rápidamente)."""

CASE_SENSITIVE: dict[str, str] = {
    "en": "nice polish us apple turkey may bill china march mark jersey amazon windows word "
          "java swift rust ruby go will august chile sue frank grace joy rose hope iris "
          "lent job tar reading bath cork nil",
    "de": "sie ihr ihnen arm essen morgen laut recht weg",
    "fr": "nice orange",
    "es": "granada",
}

SMALL_NUMBERS: dict[str, str] = {
    "en": "zero:0 two:2 three:3 first:#1 second:#2 third:#3",
    "de": "null:0 zwei:2 zwo:2 drei:3 erste:#1 erster:#1 ersten:#1 erstes:#1 erstem:#1 "
          "zweite:#2 zweiter:#2 zweiten:#2 zweites:#2 zweitem:#2 dritte:#3 dritter:#3 "
          "dritten:#3 drittes:#3 drittem:#3",
    "fr": "zéro:0 deux:2 trois:3 premier:#1 première:#1 premiers:#1 premières:#1 "
          "second:#2 seconde:#2 deuxième:#2 troisième:#3",
    "es": "cero:0 dos:2 tres:3 primero:#1 primera:#1 primer:#1 primeros:#1 primeras:#1 "
          "segundo:#2 segunda:#2 tercero:#3 tercera:#3 tercer:#3",
}
"""Numbers up to three, which text2num leaves alone (they are often not numbers). "one",
"ein", "un", "uno" are not here: they are articles as often as numbers. ``#`` marks an
ordinal; a value is compared without it ("World War 2" is "the Second World War")."""

TIME_ORDINALS = ("second", "seconde", "segundo", "segunda")
"""Ordinals that are also a unit of time: "a second", "per second" are not the number 2."""

UNITS = """
km: km kilometre kilometres kilometer kilometers kilomètre kilomètres kilómetro kilómetros
m: metre metres meter meters mètre mètres metro metros
cm: cm centimetre centimetres centimeter centimeters centimètre centimètres centímetro
  centímetros
mm: mm millimetre millimetres millimeter millimeters millimètre millimètres milímetro milímetros
mile: mile miles mi meile meilen milla millas
ft: ft foot feet fuß
inch: inch inches zoll pouce pouces pulgada pulgadas
yard: yard yards yd
kmh: km/h kmh kph km/std stundenkilometer|km per hour|kilometres per hour|kilometers per hour|
  kilometre per hour|kilometer per hour|km an hour|kilometres an hour|kilometers an hour|km pro
  stunde|kilometer pro stunde|kilometern pro stunde|km par heure|kilomètres par heure|kilomètres
  heure|km por hora|kilómetros por hora|kilómetros hora
mph: mph|miles per hour|mile per hour|miles an hour|meilen pro stunde|meilen die stunde|miles
  par heure|milles par heure|millas por hora
mps: m/s|metres per second|meters per second|meter pro sekunde|metern pro sekunde|mètres par
  seconde|metros por segundo
kg: kg kilo kilos kilogram kilograms kilogramme kilogrammes kilogramm kilogramo kilogramos
g: gram grams gramme grammes gramm gramo gramos
lb: lb lbs pound pounds pfund livre livres libra libras
oz: oz ounce ounces unze unzen onza onzas
celsius: °c celsius centigrade centígrados centigrados|degrees celsius|degree celsius|grad
  celsius|degrés celsius|grados celsius
fahrenheit: °f fahrenheit|degrees fahrenheit|grad fahrenheit|degrés fahrenheit|grados fahrenheit
kelvin: kelvin
l: litre litres liter liters litro litros
ml: ml millilitre millilitres milliliter milliliters millilitre millilitres mililitro mililitros
gallon: gallon gallons gallone gallonen galón galones
cup: cup cups tasse tassen taza tazas
hour: hour hours stunde stunden heure heures hora horas
minute: minute minutes min minuten minuto minutos
second: seconds sekunde sekunden secondes segundos
day: day days tag tage tagen jour jours día días
week: week weeks woche wochen semaine semaines semana semanas
month: month months monat monate monaten mois mes meses
year: year years jahr jahre jahren année années año años
percent: % percent|per cent|prozent|pour cent|pourcent|por ciento
dollar: $ usd dollar dollars dólar dólares
euro: € eur euro euros
pound_sterling: £ gbp|pound sterling
yen: ¥ yen
acre: acre acres
hectare: hectare hectares hektar hectárea hectáreas
byte: byte bytes octet octets
kilobyte: kb kilobyte kilobytes
megabyte: mb megabyte megabytes
gigabyte: gb gigabyte gigabytes
calorie: calorie calories kalorie kalorien calorías caloría kcal
tablespoon: tbsp tablespoon tablespoons esslöffel el cucharada cucharadas|cuillère à soupe|
  cuillères à soupe|cuillere a soupe
teaspoon: tsp teaspoon teaspoons teelöffel tl cucharadita cucharaditas|cuillère à café|
  cuillères à café|cuillere a cafe
"""
"""``unit: name name|phrase phrase``: single names before the first ``|``, phrases after; a
line that starts with spaces goes on the line before (as in ``CONCEPTS``)."""

CONCEPTS: dict[str, str] = {
    "en": """
big|large|huge|giant|enormous|vast / small|little|tiny
bigger|larger / smaller
biggest|largest / smallest
high|tall / low
higher|taller / lower
highest|tallest / lowest
long / short
longer / shorter
longest / shortest
tall / short
fast|quick|rapid|quickly|rapidly|speedy / slow|slowly
faster|quicker / slower
fastest|quickest / slowest
old|ancient|aged / new|recent|modern|young
older / newer|younger
oldest / newest|youngest
hot|warm / cold|cool|chilly
hotter|warmer / colder|cooler
hottest|warmest / coldest
good|great|fine|nice / bad|poor|terrible
better / worse
best / worst
easy|simple|straightforward / hard|difficult|tough
easier|simpler / harder
soft / hard|firm
softer / harder
cheap|inexpensive|affordable / expensive|costly|pricey
cheaper / dearer|pricier
strong|powerful / weak
heavy / light
thick / thin
wide|broad / narrow
deep / shallow
rich|wealthy / poor
early / late
earlier / later
full / empty
wet / dry
clean / dirty
safe|safely|secure / dangerous|unsafe|risky
healthy|healthier / unhealthy
true|correct|right / false|wrong|incorrect
synonym|synonyms / antonym|antonyms|opposite
left / right
positive / negative
plus / minus
maximum|max / minimum|min
increase|raise|boost|grow|higher / decrease|reduce|lower|lessen|shrink
rise|climb / fall|drop|decline
gain|put on / lose
win / lose
buy|purchase|acquire / sell
give|donate|gives|giving / receive|receives|receiving|get|gets
giver|donor|sender|giving / recipient|receiver|beneficiary|receiving
send|sending / receive|receiving
lend / borrow
import / export|save as
upload / download
push / pull
input / output
ascending|ascend|rising / descending|descend|falling
increasing / decreasing
enable|activate|turn on|switch on / disable|deactivate|turn off|switch off
start|begin|launch|commence|kick off|run / stop|end|finish|quit|halt|cancel|terminate
open / close|shut
connect|plug in|join / disconnect|unplug
lock / unlock
show|display|list / hide
add|insert|put / remove|delete|erase|get rid of|eliminate|take out
include / exclude
install / uninstall|remove
mount / unmount
attach / detach
accept / reject|decline
allow|permit|allowed|permitted / forbid|block|ban|prohibit|forbidden|banned|prohibited
legal|lawful / illegal|unlawful
love / hate
like / dislike
agree / disagree
pros|advantages|benefits|upsides|perks / cons|disadvantages|drawbacks|downsides|dangers|risks
before|prior to / after
past / future
first / last
top / bottom
above|over / below|under|beneath
inside / outside
into / out
in / out
on / off
up / down
to / from
north / south
east / west
day / night
morning / evening|night|afternoon
summer / winter / spring / autumn|fall
adult|adults|grown-up|grown-ups|grownups / child|children|kid|kids / baby|babies|infant|infants|
  toddler|toddlers / teenager|teenagers|teen|teens|adolescent|adolescents / senior|seniors|elderly
man|men|male|males / woman|women|female|females
boy|boys / girl|girls
beginner|beginners|novice|novices|newbie|newbies|starter / intermediate / advanced|experienced|
  expert|experts|professional|professionals|pro
checked|checkin|hold / carryon|hand|cabin
seller|vendor / buyer|purchaser
employer / employee
teacher / student
husband / wife
raw / cooked
sweet / sour|bitter|salty
radius / diameter / circumference / perimeter / area / volume / surface
mean|average / median / mode
fix|repair|mend / break
make|create|produce|generate|bake
last|latest|most recent
undo|revert|roll back
tie|necktie
back up|backup|make a backup|create a backup
science fiction|sci fi|scifi
book|novel
note|message
colleague|coworker|co worker
translate|say|how do you say
united states|us|usa|america
~best way|good way|right way|proper way|a way|the way
~number of|the number of|amount of|how many|how much
~come up with|think of
~it take|it takes|does it take
build|built|construct|constructed|erect|erected
known as|called|named
developed|came up with|devised
improve|get better|become better
recommend|suggest|advise
merge|combine
check|test|measure
clear|empty|wipe|free up
convert|turn into|transform|turn
list|name|enumerate
short|brief|concise
substance|material
distance|how far
speed|how fast|velocity
~tips|tip|advice|ideas|suggestions
summary|summarize|summarise|sum up
synonym|another word|other word
write|compose|draft|pen
change|modify|alter|update|edit
update|upgrade
find|locate|discover|see
choose|pick|select
use|utilize|utilise
need|require
car|automobile|vehicle
picture|photo|photograph|image|pic
movie|movies|film|films
tv|television
phone|smartphone|cellphone|mobile
doctor|physician
faucet|tap
sofa|couch
trash|garbage|rubbish
sea|ocean
world|earth|globe
leaky|leaking
kid|child
happy|glad|joyful
sad|unhappy
smart|clever|intelligent
error|mistake
answer|reply|respond
talk|speak
price|cost
present|gift
fridge|refrigerator
screenshot|screen capture|screen grab|take a screenshot|capture the screen|capture my screen|
  capture screen
population|inhabitants|residents|how many people live|number of people living
capital|capital city
author|writer|wrote|write
painter|painted|paint
inventor|invented|invent
discoverer|discovered|discover
stand for|short for|mean|means
made of|made from|consist of|ingredient|ingredients
""",
    "de": """
groß|riesig|gewaltig / klein|winzig
hoch|hohe|hohen|hohem|hoher|hohes / niedrig|tief
lang / kurz
schnell|rasch|zügig / langsam
alt / neu|jung|modern
heiß|warm / kalt|kühl
gut|toll|prima / schlecht|schlimm
besser / schlechter
beste|besten|bester|bestes|am besten / schlechteste|schlechtesten
einfach|leicht|simpel / schwer|schwierig
weich / hart|fest
billig|günstig|preiswert / teuer
stark|kräftig / schwach
schwer / leicht
dick / dünn
breit / schmal|eng
tief / flach
reich / arm
früh / spät
voll / leer
nass / trocken
sauber / schmutzig
sicher / gefährlich|unsicher|riskant
gesund / ungesund
wahr|richtig|korrekt / falsch
links / rechts
positiv / negativ
maximum|maximal|höchstens / minimum|minimal|mindestens
viel|reichlich / wenig
erhöhen|steigern|vergrößern|anheben / verringern|senken|reduzieren|verkleinern|vermindern
steigen|zunehmen / sinken|fallen|abnehmen
gewinnen / verlieren
kaufen|erwerben / verkaufen
geben|schenken|spenden|schenkende|schenkenden|schenker|spender / erhalten|bekommen|empfangen|
  beschenkte|beschenkten|empfänger
senden|schicken / empfangen
leihen|verleihen / ausleihen|borgen
importieren / exportieren
hochladen / herunterladen|runterladen
aufsteigend / absteigend
aktivieren|einschalten|anschalten|anmachen / deaktivieren|ausschalten|abschalten|ausmachen
anfangen|beginnen|starten / aufhören|beenden|stoppen
öffnen|aufmachen / schließen|zumachen
verbinden / trennen
sperren|abschließen / entsperren|aufschließen
zeigen|anzeigen|einblenden / verstecken|ausblenden|verbergen
hinzufügen|ergänzen / entfernen|löschen
installieren / deinstallieren
erlauben|erlaubt|zulassen / verbieten|verboten|blockieren|sperren
legal|erlaubt / illegal|verboten
lieben / hassen
vorteile|vorteil|vorzüge / nachteile|nachteil|gefahren|risiken
vor / nach
vergangenheit / zukunft
erste / letzte
oben / unten
über / unter
innen|drinnen / außen|draußen
an / aus
auf / ab
nord|norden / süd|süden
ost|osten / west|westen
tag / nacht
morgen|vormittag / abend|nachmittag|nacht
sommer / winter / frühling|frühjahr / herbst
erwachsene|erwachsener|erwachsenen / kind|kinder|kindern / baby|babys|säugling|kleinkind /
  jugendliche|jugendlichen|teenager / senioren|ältere
mann|männer|männlich / frau|frauen|weiblich
junge|jungen / mädchen
anfänger|anfängerin|einsteiger|neuling / fortgeschrittene|fortgeschrittenen|erfahrene|erfahrenen|
  profis|profi|experten|experte
handgepäck / aufgegebenes gepäck|aufgegebene gepäck|koffer
verkäufer / käufer
arbeitgeber / arbeitnehmer
lehrer / schüler
roh / gekocht
süß / sauer|bitter|salzig
radius|halbmesser / durchmesser / umfang / fläche|flächeninhalt / volumen|rauminhalt / oberfläche
hinflug / rückflug
reparieren|flicken
machen|erstellen|anfertigen|herstellen|erzeugen
schreiben|verfassen
ändern|wechseln|verändern
aktualisieren|updaten
finden|entdecken
wählen|auswählen|aussuchen
benutzen|verwenden|nutzen
brauchen|benötigen
auto|wagen|fahrzeug|pkw
bild|foto|aufnahme
film|filme
fernseher|tv|fernsehen
handy|smartphone|mobiltelefon
arzt|doktor|ärztin
kühlschrank
meer|ozean|see
welt|erde|planet
fehler|irrtum
antwort|antworten
sprechen|reden|spricht|gesprochen|spreche|redet
preis|kosten|kostet
geschenk|präsent
bildschirmfoto|screenshot
einwohner|einwohnerzahl|bevölkerung|menschen leben|leute leben
hauptstadt
liegen|liegt|befinden|befindet|sich befinden|gelegen
heißen|heißt|nennen|nennt|lautet
enden|endete|zu ende|beendet
bedeuten|bedeutet|steht für|abkürzung
wie spät|wieviel uhr|wie viel uhr|uhrzeit
entfernen|loswerden|rausbekommen|herausbekommen|wegbekommen
unterschied|unterschiede|unterscheiden|unterscheidet
erfinder|erfunden|erfand
""",
    "fr": """
~auriez vous la gentillesse de|auriez vous la gentillesse|avoir la gentillesse de
grand|gros|énorme|immense|vaste / petit|minuscule
haut|élevé|élevée|élevés / bas|basse|faible
long|longue / court|courte
rapide|vite|rapidement / lent|lente|lentement
vieux|vieille|ancien|ancienne|âgé / nouveau|nouvelle|neuf|jeune|moderne|récent
chaud|chaude / froid|froide|frais
bon|bonne|bien / mauvais|mauvaise|mal
meilleur|meilleure|mieux / pire
facile|simple / difficile|dur|compliqué
mou|molle|mollet|tendre / dur|dure
bon marché|pas cher|abordable / cher|chère|coûteux
fort|forte|puissant / faible
lourd|lourde / léger|légère
épais / mince|fin
large / étroit
profond / peu profond
riche|riches / pauvre|pauvres
tôt / tard
plein / vide
mouillé|humide / sec|sèche
propre / sale
sûr|sans danger|sécurisé / dangereux|risqué
sain|saine|bon pour la santé / malsain|mauvais pour la santé
vrai|correct|juste / faux|incorrect
gauche / droite
positif / négatif
maximum|max / minimum|min
augmenter|accroître|élever|hausser / diminuer|réduire|baisser
monter / descendre
gagner / perdre
acheter / vendre
donner|offrir|donateur|donatrice|donneur / recevoir|bénéficiaire|destinataire|receveur
envoyer / recevoir
prêter / emprunter
importer / exporter
téléverser|télécharger vers|uploader / télécharger
croissant|ascendant / décroissant|descendant
activer|allumer / désactiver|éteindre
commencer|débuter|démarrer|lancer / arrêter|terminer|finir|stopper
ouvrir / fermer
connecter|brancher / déconnecter|débrancher
verrouiller|bloquer / déverrouiller|débloquer
afficher|montrer / masquer|cacher
ajouter / supprimer|enlever|retirer|effacer
installer / désinstaller
autoriser|permettre|autorisé|permis / interdire|interdit|bloquer
légal / illégal
aimer / détester
avantages|avantage|atouts / inconvénients|inconvénient|désavantages|dangers|risques
avant / après
passé / futur|avenir
premier|première / dernier|dernière
haut / bas
dessus|au-dessus / dessous|en dessous
dedans|intérieur / dehors|extérieur
nord / sud
est / ouest
jour / nuit
matin / soir|après-midi|nuit
été / hiver / printemps / automne
adulte|adultes / enfant|enfants / bébé|bébés|nourrisson / adolescent|adolescents|ado|ados /
  senior|seniors|personnes âgées
homme|hommes|masculin / femme|femmes|féminin
garçon / fille
débutant|débutants|débutante|novice / intermédiaire / confirmé|confirmés|avancé|avancés|
  expérimenté|expérimentés|expert|experts
soute|en soute / cabine|à main
vendeur / acheteur
employeur / employé|salarié
professeur|enseignant / élève|étudiant
cru / cuit
sucré / salé|amer|acide
rayon / diamètre / circonférence / périmètre / aire|superficie / volume / surface
réparer|dépanner
faire|créer|fabriquer|réaliser|produire
écrire|rédiger|composer
changer|modifier|remplacer
mettre à jour|actualiser
trouver|découvrir
choisir|sélectionner
utiliser|employer|se servir
voiture|auto|automobile|véhicule
photo|image|photographie
film|films
télé|télévision
téléphone|portable|smartphone|mobile
médecin|docteur
réfrigérateur|frigo|frigidaire
mer|océan
monde|terre|planète
erreur|faute
prix|coût|coûte
cadeau
capture d'écran|capture d écran|screenshot
habitants|population|personnes vivent|gens vivent
capitale
se trouve|se situe|situé|située
s'appelle|s appelle|nom
terminer|terminée|terminé|finir|finie|fini|prendre fin|pris fin|s'achever|achevée
signifie|veut dire|signification
quelle heure|l'heure|l heure
peint|peindre|peintre|artiste
inventé|inventer|inventeur
parler|parle|parlée|parlé
compter|compte|contient|y a
cuire|faire cuire|cuisiner|préparer
""",
    "es": """
~sería tan amable de|seria tan amable de|sería usted tan amable de|tan amable de
grande|gran|enorme|inmenso|mayor|más grande / pequeño|pequeña|chico|diminuto|menor|más pequeño
alto|alta|elevado|elevada / bajo|baja
largo|larga / corto|corta
rápido|rápida|rápidamente|veloz / lento|lenta|lentamente
viejo|vieja|antiguo|antigua|mayor / nuevo|nueva|joven|moderno|reciente
caliente|caluroso / frío|fría|fresco
bueno|buena|bien / malo|mala|mal
mejor / peor
fácil|sencillo|simple / difícil|complicado|duro
blando|blanda|suave|tierno / duro|dura
barato|barata|económico / caro|cara|costoso
fuerte|potente / débil
pesado|pesada / ligero|ligera|liviano
grueso|gruesa / delgado|delgada|fino
ancho|ancha / estrecho|estrecha|angosto
profundo / poco profundo
rico|ricos|rica|ricas / pobre|pobres
temprano / tarde
lleno / vacío
mojado|húmedo / seco
limpio / sucio
seguro|segura / peligroso|peligrosa|arriesgado
sano|saludable|bueno para la salud / malsano|dañino|malo para la salud
verdadero|cierto|correcto / falso|incorrecto
izquierda / derecha
positivo / negativo
máximo / mínimo
aumentar|incrementar|subir|elevar / disminuir|reducir|bajar
subir / bajar
ganar / perder
comprar|adquirir / vender
dar|donar|regalar|donante|da / recibir|recibe|beneficiario|receptor|destinatario
enviar|mandar / recibir
prestar / pedir prestado
importar / exportar
subir archivo|cargar / descargar|bajar archivo
ascendente|creciente / descendente|decreciente
activar|encender|habilitar|prender / desactivar|apagar|deshabilitar
empezar|comenzar|iniciar|arrancar / parar|detener|terminar|acabar
abrir / cerrar
conectar|enchufar / desconectar|desenchufar
bloquear / desbloquear
mostrar|enseñar / ocultar|esconder
añadir|agregar / eliminar|borrar|quitar|suprimir
instalar / desinstalar
permitir|permitido / prohibir|prohibido
legal / ilegal
amar|querer / odiar
ventajas|ventaja|beneficios|pros / desventajas|desventaja|inconvenientes|contras|peligros|riesgos
antes / después
pasado / futuro
primero|primera / último|última
arriba|encima / abajo|debajo
dentro / fuera
norte / sur
este / oeste
día / noche
mañana / tarde|noche
verano / invierno / primavera / otoño
adulto|adultos|adulta|adultas / niño|niños|niña|niñas|infantil / bebé|bebés / adolescente|
  adolescentes / mayores|ancianos
hombre|hombres|masculino / mujer|mujeres|femenino
principiante|principiantes|novato|novatos / intermedio|intermedios / avanzado|avanzados|experto|
  expertos|experimentado|experimentados
facturado|facturada|bodega / de mano|cabina
vendedor / comprador
empleador / empleado
profesor|maestro / alumno|estudiante
crudo / cocido
dulce / salado|amargo|ácido
radio / diámetro / circunferencia / perímetro / área|superficie / volumen
arreglar|reparar
hacer|crear|fabricar|elaborar|preparar
escribir|redactar|componer
cambiar|modificar|reemplazar
actualizar
encontrar|hallar|descubrir
elegir|escoger|seleccionar
usar|utilizar|emplear
necesitar|requerir
coche|carro|auto|automóvil|vehículo
foto|imagen|fotografía
película|películas|film
tele|televisión|televisor
teléfono|móvil|celular|smartphone
médico|doctor
refrigerador|nevera|frigorífico|heladera
mar|océano
mundo|tierra|planeta
error|fallo|equivocación
precio|coste|costo|cuesta
regalo
captura de pantalla|pantallazo|screenshot
habitantes|población|gente vive|personas viven|gente viven
capital
idioma|lengua
terminar|terminó|acabar|acabó|finalizar|finalizó
significa|quiere decir|significado
pintó|pintar|pintor|artista
inventó|inventar|inventor
hablar|habla|hablan
cocinar|cocina|preparar
""",
}
