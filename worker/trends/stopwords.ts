// Stop words for the complaint terms, per language Earshot classifies. Kept here as data because
// the Worker bundle must not carry natural (its root import is megabytes).
//
// Sources, both under the MIT licence:
// - natural 8.1.1 (Copyright (c) 2011, 2012 Chris Umbel, Rob Ellis, Russell Mull; Russian list
//   (c) 2011 Polyakov Vladimir, Chris Umbel), lib/natural/util/stopwords*.js: en, it, es, ru;
// - stopwords-iso 1.1.0 (Copyright (c) Gene Diaz), stopwords-iso.json: de, et, and the function
//   words natural's es and ru lists lack.
// stopwords-iso's lists also hold words complaints are made of ("problem", "bill", "help",
// "schlecht", "деньги"), so only function words were taken from it. Words shorter than three
// letters are left out: the tokenizer drops them anyway. Tokens are folded before lookup
// (lower case, ё → е), so the lists are too.
//
// Earshot's own additions: what a social post is padded with (retweet marks, HTML entities,
// greetings, please and thank you in each language) and the fragments English contractions
// leave once apostrophes split words ("don't" → "don").
import { languages, type Language } from '../classify/types'

const words = (list: string): readonly string[] => list.split(/\s+/).filter((word) => word !== '')

const byLanguage: Record<Language, readonly string[]> = {
  en: words(`
    about above after again all also and another any are because been before being below between both but came can
    cannot come could did does doing during each few for from further get got has had have her here him himself his how
    into its itself like make many might more most much must myself never now only other our ours ourselves out over own
    said same see she should since some still such take than that the their theirs them themselves then there these they
    this those through too under until very was way well were what where when which while who whom with would why you
    your yours yourself
    not just will shall may even yet ever really also any anyone anything nor off onto per upon via whose
    don doesn didn isn aren wasn weren haven hasn hadn won wouldn couldn shouldn mustn ain dont doesnt didnt isnt arent
    wasnt werent havent hasnt cant wont wouldnt couldnt shouldnt youre theyre thats ive youve weve theyve ill youll
  `),
  it: words(`
    allo agli all agl alla alle con col coi dal dallo dai dagli dall dagl dalla dalle del dello dei degli dell degl della
    delle nel nello nei negli nell negl nella nelle sul sullo sui sugli sull sugl sulla sulle per tra contro lui lei noi
    voi loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra nostri nostre vostro vostra vostri vostre
    gli uno una perché anche come dov dove che chi cui non più quale quanto quanti quanta quante quello quelli quella
    quelle questo questi questa queste tutto tutti hai abbiamo avete hanno abbia abbiate abbiano avrò avrai avrà avremo
    avrete avranno avrei avresti avrebbe avremmo avreste avrebbero avevo avevi aveva avevamo avevate avevano ebbi avesti
    ebbe avemmo aveste ebbero avessi avesse avessimo avessero avendo avuto avuta avuti avute sono sei siamo siete sia
    siate siano sarò sarai sarà saremo sarete saranno sarei saresti sarebbe saremmo sareste sarebbero ero eri era eravamo
    eravate erano fui fosti fummo foste furono fossi fosse fossimo fossero essendo faccio fai facciamo fanno faccia
    facciate facciano farò farai farà faremo farete faranno farei faresti farebbe faremmo fareste farebbero facevo facevi
    faceva facevamo facevate facevano feci facesti fece facemmo faceste fecero facessi facesse facessimo facessero
    facendo sto stai sta stiamo stanno stia stiate stiano starò starai starà staremo starete staranno starei staresti
    starebbe staremmo stareste starebbero stavo stavi stava stavamo stavate stavano stetti stesti stette stemmo steste
    stettero stessi stesse stessimo stessero stando
    ancora già poi solo ogni quando molto ora cosa però quindi così
  `),
  es: words(`
    ella sobre que los del las por para con una como más pero sus porque cuando muy sin también hasta donde quien desde
    nos durante uno contra ese eso qué otro cual poco
    unos unas esa esos esas este esto esta estos estas está están estoy estamos estaba estado son soy somos era fue ser
    sido hay han has hemos había tiene tengo tienen tenemos les mis tus nuestro nuestra nuestros nuestras vuestro vuestra
    ellos ellas usted ustedes nosotros vosotros mío mía algo alguien todo todos toda todas otra otros otras cuál quién
    mucho muchos mucha muchas así aquí allí ahora solo sólo entre hace cada
  `),
  ru: words(`
    после все также другие как быть потому был являюсь между иди могу подойди мог делал делаю каждый для откуда иметь
    имел имеет здесь его если оно делать много может более самый должен мой никогда сейчас только или другой другая
    другое наше вне конец сказал сказала видел немного еще так затем тот там этот они через тоже под над очень путь
    хорошо что где который пока кто кем хотел твои
    это эта эти этого этой этом тут вот уже чем чтобы почему когда даже без при про перед себя себе сам сама есть нет
    была были было мне меня нас вас нам вам ему ней них него нее она мои моя мою моей наш наши ваш ваша ваши вашей вашу
    вашего свой свою своей которая которые которых которую весь вся всех всем опять снова можно нужно надо
  `),
  de: words(`
    aber alle allem allen aller alles als also auch auf aus bei beim bin bis bist das dass daß dem den denn der des dich die
    dies diese diesem diesen dieser dieses dir doch dort durch ein eine einem einen einer eines euch euer eure für gegen
    hab habe haben hat hatte hätte ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ist jetzt kann können kein keine keinem
    keinen keiner man mein meine meinem meinen meiner mich mir mit muss nach nicht nichts noch nun nur oder ohne schon
    sehr sein seine seinem seinen seiner seit sich sie sind soll sollte über uns unser unsere und unter vom von vor war
    waren warum was weil wenn wer wie wieder wir wird wurde wurden zum zur zwar zwischen damit dann darauf davon dazu
    deshalb etwa etwas hier mal manche viel viele wann welche welcher welches wohl würde
  `),
  et: words(`
    aga kas kui kõik mida midagi mind minu mis mul mulle nad nii oled olen oli oma pole seda see selle siin siis ära
    ning või ehk kuid sest nagu veel juba nüüd ainult väga ikka kus kes kuidas miks millal mille sellest sellele seal
    siia sinna need neid nende neil meie meil meile meid teie teil teile teid tema temal talle teda tal sina sinu sul
    sulle sind mina olin olid olime olite olnud olema olla ole oleks ega üle alla peale pärast enne ilma koos kohta poolt
    juures järel vastu vaid küll jälle samuti
  `),
}

// What platforms and manners add to a post in any language.
const noise = words(`
  amp quot nbsp http https www com via
  please pls plz thanks thank thx lol omg hey hello dear
  bitte danke hallo
  palun aitäh tere
  пожалуйста спасибо здравствуйте привет
  favore grazie ciao salve buongiorno
  favor gracias hola
`)

const lists = new Map<string, ReadonlySet<string>>()
for (const language of languages) lists.set(language, new Set([...byLanguage[language], ...noise]))
// A post in a language Earshot does not classify may still mix in any of these.
const everyList: ReadonlySet<string> = new Set([...languages.flatMap((language) => byLanguage[language]), ...noise])

/** The stop words for a mention's language; for 'other' or an unknown language, those of all languages. */
export function stopWordsFor(language: string | null): ReadonlySet<string> {
  return (language !== null && lists.get(language)) || everyList
}
