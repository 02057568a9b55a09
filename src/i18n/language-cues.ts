// Word lists that tell apart languages sharing a script: Hindi and Marathi (Devanagari), Portuguese and Spanish,
// romanized Hindi ("Hinglish") and English (Latin). Only words that are common in customer messages and absent or
// rare in the other language are listed; words both languages use (ठीक, pedido, cancelar, por favor, order) are
// left out on purpose, so they count for neither. Entries are NFC, matched against lower-cased NFC tokens.

function words(list: string): ReadonlySet<string> {
  return new Set(list.trim().split(/\s+/u).map((word) => word.normalize('NFC')));
}

/** Marathi function words and common verb forms; Hindi uses है, नहीं, और, मुझे, क्या, कब, कहाँ ... instead. */
export const MARATHI_WORDS = words(`
  आहे आहेत आहात आहेस होतं नाही नाहीत नको नका आणि पण मला मी माझा माझी माझे माझं माझ्या तुम्ही तुम्हाला तुमचा
  तुमची तुमचे तुमचं तुमच्या आम्ही आम्हाला आमचा आमची आमचे आमच्या आपण आपल्या त्याला तिला त्यांना त्याचा ती ते त्या हे
  काय कधी कुठे किती कसे कसा कशी कसं केव्हा कोण कोणता कोणती कोणते काही खूप जर तर उद्या परवा काल आत्ता सध्या इथे तिथे
  पाहिजे हवा हवी हवे हवंय करायचा करायची करायचे करायचं करायला करू केला केली केले केलं झाला झाली झाले झालं आला आली
  आले आलं करेन सांगा सांगू द्या घ्या बघा बोला पाठवा शकता शकतो शकते शकाल शकेल येईल जाईल वाजता दिवस साठी मध्ये पर्यंत नंतर
  चालेल बरं
`);

/**
 * Marathi endings no Hindi word has: the futures -णार and -ईल/-ईन (होईल, येईन), the progressive -तोय/-तेय,
 * the infinitive -ायचं/-ायचे, the genitive -च्या, the postpositions -मध्ये/-साठी/-पर्यंत; and the letter ळ
 * anywhere in a word (वेळ, मिळेल).
 */
export const MARATHI_SUFFIX = /(?:णार[ाीे]?|ई[लन]|त[ोे]य|ायच[ंेाी]|च्या|मध्ये|साठी|पर्यंत|ळ.*)$/u;

/** Hindi function words and verb forms that Marathi does not use. */
export const HINDI_WORDS = words(`
  है हैं हूँ हूं था थी थे नहीं नही और क्या क्यों कब कहाँ कहां कैसे कैसा कितना कितने कितनी मुझे मुझको मुझसे मेरा मेरी
  मेरे मैं मैंने आप आपका आपकी आपके आपको आपसे हम हमारा हमारी हमें को के में से पर लिए तक भी चाहिए चाहता चाहती रहा
  रही रहे गया गई गयी गए दीजिए दें करें करना करनी करने करो कीजिए बताइए बताएं बताओ सकता सकती सकते मिलेगा मिलेगी
  मिलेंगे कल अभी यह ये वह वो इस उस हाँ हां बहुत लेकिन अगर जब सब कुछ कोई किसी वाला वाली दिन बजे समय
`);

export const PORTUGUESE_WORDS = words(`
  não nao você voce vocês voces obrigado obrigada sim eu meu minha meus minhas seu sua seus suas com um uma uns umas do
  da dos das ao aos em pelo pela é isso isto essa esse quero queria preciso fazer tem tenho ter estou amanhã amanha hoje
  bom boa noite olá tudo muito muita também tambem ainda falar atendente gostaria pode posso podem agora conta ajuda
  onde quando quanto qual quais então entao pra pro até depois boleto pix ontem cadê vou vai fiz recebi veio chegou ele
  ela né tá certo já só ninguém alguém nenhum telefone endereço atendimento dinheiro preço cartão loja mudei atualizar
  cadastro entregam na
`);

export const SPANISH_WORDS = words(`
  usted ustedes gracias quiero quisiera quería hola buenos buenas necesito puedo puede pueden podría tengo tiene tienen
  hacer hacen mi mis su sus el la los las del y con una un es estoy qué cómo dónde donde cuándo cuando cuánto cuanto
  cuál cual mañana manana hoy noche cita hablar ayuda sí si pero muy también ahora bien llamar lo le yo cuenta factura
  dinero precio tarjeta teléfono dirección llegó llegado todavía ya hasta después ayer señor señora eso esto ese esa
  nadie alguien ningún ninguna entonces orden envío tienda recibí cobraron cambié ha
`);

/**
 * English words that say a Latin sentence is English rather than romanized Hindi: function words and greetings.
 * Content words ("order", "cancel", "refund") are left out because Hinglish uses them as much as English does; so
 * are words that are also Portuguese or Spanish ("a", "no", "me", "do").
 */
export const ENGLISH_WORDS = words(`
  the is are was were i i'm im you your my it it's this that what when where how why who want need please can could
  would will have has had to of and in on for with at from there hi hello hey thanks thank yes not be we our they
  their just about did does don't dont should any some which if or but am an also still know sure been get got today
  tomorrow morning kindly
`);

/**
 * Romanized Hindi as customers type it on WhatsApp, with the usual spelling variants. Weighted: 1 for words no
 * English sentence contains, 0.5 for short ones that could be a name or a typo ("ho", "main", "par").
 */
export const ROMANIZED_HINDI_WORDS: ReadonlyMap<string, number> = new Map([
  ...[...words(`
    mujhe mujhko mujhse mera meri mere tera teri tere hamara hamari hamare humara humari apna apni apne aapka aapki
    aapke aapko aapse kya kyaa kyu kyun kyon kyunki hai hain hoon hun nahi nahin nhi chahiye chahie chaiye chahta
    chahti chahte kal aaj parso samay waqt kab kaise kaisa kaisi kitna kitne kitni kahan kaun kaunsa kaunsi karna karni
    karne karo kariye karein karenge karunga karungi karke kiya kiye kijiye dijiye dena dedo batao bataiye bataye bata
    bolo boliye bola raha rahi rahe gaya gayi gaye gya tha thi hoga hogi honge haan ji accha acha achha theek thik thk
    sahi abhi phir fir lekin aur bhi sirf bas kuch kuchh koi sab wala wali wale waala paisa paise rupaye rupay din raat
    subah shaam dopahar baje ghante liye liya ke ki ka ko pe tak bahut bohot bahot zyada jyada badalna badal chalega
    chalo dekho dekhiye samajh samjha samjhi pata maloom malum wapas vapas bhejo bhejiye bhej milega milegi milenge mila
    mili sakta sakti sakte lena diya hona hua hui hue dhanyavaad dhanyawad shukriya namaste namaskar bhaiya bhai yaar
    yeh woh iska uska isko usko inka unka humko hume hamein humein jaldi turant agar toh kar mein ek naya nayi aaya
    aayi aayega aayegi aana aaunga jaunga jayega mangwaya kat jo
  `)].map((word) => [word, 1] as const),
  ...[...words('ho main par na ye wo')].map((word) => [word, 0.5] as const),
]);
