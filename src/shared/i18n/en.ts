/**
 * English strings: the source of truth for keys. Hindi (hi.ts) must have exactly the same keys and
 * placeholders; the type below and tests/unit/i18n.test.ts enforce it.
 */
export const en = {
  app: {
    name: 'Mitra Desk',
    tagline: 'Ayushman Bharat PM-JAY help desk',
    training: 'TRAINING',
    trainingHint: 'Training mode: the scanner and the portal are simulated on this computer. Nothing reaches the real portal.',
    live: 'LIVE',
    skipToContent: 'Skip to main content',
  },
  language: {
    label: 'Language',
    en: 'English',
    hi: 'हिन्दी',
    switchTo: 'Switch language to {{language}}',
  },
  home: {
    title: 'Home',
    welcome: 'Namaste. The desk is ready.',
    hospital: 'Hospital {{code}}, {{state}}',
    hospitalNotSet: 'Hospital not set up yet: ask support to enter the hospital code and state.',
  },
  health: {
    title: 'Status',
    summaryOk: 'Everything is working.',
    summaryUnchecked: 'No problem found so far; some links are not checked yet.',
    summaryProblem: 'Problem: {{link}}',
    checkedAt: 'Checked at {{time}}',
    link: {
      scanner: 'Scanner',
      rdService: 'RD service',
      network: 'Network',
      portal: 'Portal',
      state: 'State',
      storage: 'Storage',
    },
    status: {
      ok: 'Working',
      warn: 'Needs attention',
      down: 'Not working',
      unknown: 'Not checked',
    },
    message: {
      notChecked: 'Not checked yet.',
      storageOk: '{{freeMb}} MB free.',
      storageLow: 'Only {{freeMb}} MB free. Ask support to free disk space soon.',
      storageFull: 'Disk is full ({{freeMb}} MB free). New work cannot be saved until space is freed.',
      storageNotWritable: 'The data folder cannot be written. Ask support to check the disk.',
    },
  },
  connect: {
    noToken: 'Open Mitra Desk with the address it printed when it started: that address carries the access key for this computer.',
    lost: 'Lost contact with Mitra Desk. Reconnecting…',
  },
  errors: {
    unknown_call: 'The app asked for something it does not know. Please restart Mitra Desk.',
    invalid_request: 'The request was not valid: {{detail}}',
    invalid_response: 'The app got an answer it could not read. Please try again.',
    forbidden: 'This request was refused.',
    internal: 'Something went wrong inside Mitra Desk. Please try again; if it repeats, call support.',
    unavailable: 'Mitra Desk is not reachable. Check that it is running.',
  },
} as const;

type Strings<T> = { readonly [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
/** The shape every language must fill. */
export type Translation = Strings<typeof en>;
