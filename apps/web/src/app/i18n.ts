import { startI18n } from '../lib/i18n.ts';
import { type Namespaces, resourcesFor } from './catalogues.ts';

startI18n({ en: resourcesFor('en'), es: resourcesFor('es') }, 'app');

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'app';
    resources: { [N in keyof Namespaces]: Namespaces[N]['en'] };
  }
}
