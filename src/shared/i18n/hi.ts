import type { Translation } from './en';

/** हिन्दी: same keys and placeholders as en.ts. */
export const hi: Translation = {
  app: {
    name: 'मित्र डेस्क',
    tagline: 'आयुष्मान भारत PM-JAY सहायता डेस्क',
    training: 'प्रशिक्षण',
    trainingHint: 'प्रशिक्षण मोड: स्कैनर और पोर्टल इसी कंप्यूटर पर नकली चल रहे हैं। कुछ भी असली पोर्टल तक नहीं जाता।',
    live: 'लाइव',
    skipToContent: 'मुख्य भाग पर जाएँ',
  },
  language: {
    label: 'भाषा',
    en: 'English',
    hi: 'हिन्दी',
    switchTo: 'भाषा बदलें: {{language}}',
  },
  home: {
    title: 'होम',
    welcome: 'नमस्ते। डेस्क तैयार है।',
    hospital: 'अस्पताल {{code}}, {{state}}',
    hospitalNotSet: 'अस्पताल की जानकारी अभी नहीं भरी गई: सपोर्ट से अस्पताल कोड और राज्य भरवाएँ।',
  },
  health: {
    title: 'स्थिति',
    summaryOk: 'सब ठीक चल रहा है।',
    summaryUnchecked: 'अब तक कोई समस्या नहीं मिली; कुछ कड़ियाँ अभी जाँची नहीं गईं।',
    summaryProblem: 'समस्या: {{link}}',
    checkedAt: '{{time}} पर जाँचा',
    link: {
      scanner: 'स्कैनर',
      rdService: 'RD सर्विस',
      network: 'नेटवर्क',
      portal: 'पोर्टल',
      state: 'राज्य',
      storage: 'स्टोरेज',
    },
    status: {
      ok: 'चालू',
      warn: 'ध्यान दें',
      down: 'बंद',
      unknown: 'जाँचा नहीं',
    },
    message: {
      notChecked: 'अभी जाँचा नहीं गया।',
      storageOk: '{{freeMb}} MB खाली है।',
      storageLow: 'केवल {{freeMb}} MB खाली है। सपोर्ट से जल्दी जगह खाली करवाएँ।',
      storageFull: 'डिस्क भर गई है ({{freeMb}} MB खाली)। जगह खाली होने तक नया काम सेव नहीं होगा।',
      storageNotWritable: 'डेटा फ़ोल्डर में लिखा नहीं जा सकता। सपोर्ट से डिस्क जाँच करवाएँ।',
    },
  },
  connect: {
    noToken: 'मित्र डेस्क को उसी पते से खोलें जो उसने शुरू होते समय दिखाया था: उस पते में इस कंप्यूटर की एक्सेस कुंजी है।',
    lost: 'मित्र डेस्क से संपर्क टूट गया। फिर से जोड़ रहे हैं…',
  },
  errors: {
    unknown_call: 'ऐप ने कुछ ऐसा माँगा जो वह नहीं जानता। कृपया मित्र डेस्क फिर से खोलें।',
    invalid_request: 'अनुरोध सही नहीं था: {{detail}}',
    invalid_response: 'ऐप को ऐसा जवाब मिला जो पढ़ा नहीं जा सका। कृपया फिर कोशिश करें।',
    forbidden: 'यह अनुरोध अस्वीकार किया गया।',
    internal: 'मित्र डेस्क में कुछ गड़बड़ हुई। फिर कोशिश करें; बार-बार हो तो सपोर्ट को बुलाएँ।',
    unavailable: 'मित्र डेस्क से संपर्क नहीं हो पा रहा। देखें कि वह चल रहा है।',
  },
};
