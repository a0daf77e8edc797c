import type { Messages } from '../lib/i18n.ts';

const en = {
  name: 'CareLoop',
  loading: 'Loading',
  noScreens: 'The workbench has no screens for your role in this version; use the API or the CLI.',
  nav: {
    main: 'Main',
    menu: 'Menu',
    worklist: 'My worklist',
    patients: 'Patients',
    referrals: 'Referrals',
  },
  shell: {
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
    language: 'Language',
    idleTitle: 'Are you still there?',
    idleBody_one: "For patients' privacy you will be signed out in {{count}} second.",
    idleBody_other: "For patients' privacy you will be signed out in {{count}} seconds.",
    staySignedIn: 'Stay signed in',
  },
};

/** The frame's texts: navigation, header, idle warning. */
export const appMessages: Messages<typeof en> = {
  en,
  es: {
    name: 'CareLoop',
    loading: 'Cargando',
    noScreens: 'Esta versión no tiene pantallas para su función; use la API o la línea de comandos.',
    nav: {
      main: 'Principal',
      menu: 'Menú',
      worklist: 'Mi lista de trabajo',
      patients: 'Pacientes',
      referrals: 'Derivaciones',
    },
    shell: {
      signedInAs: 'Sesión iniciada como',
      signOut: 'Cerrar sesión',
      language: 'Idioma',
      idleTitle: '¿Sigue ahí?',
      idleBody_one: 'Para proteger la privacidad de los pacientes, su sesión se cerrará en {{count}} segundo.',
      idleBody_other: 'Para proteger la privacidad de los pacientes, su sesión se cerrará en {{count}} segundos.',
      staySignedIn: 'Seguir conectado',
    },
  },
};
