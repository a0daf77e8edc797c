import { base, en, en_US, es, es_MX, Faker, type Randomizer, vi } from '@faker-js/faker';
import type { LanguageCode } from './codes.ts';
import type { Rng } from './random.ts';

/** Sex used to choose a given name. */
export type NameSex = 'female' | 'male';

/** A generated personal name. */
export type PersonName = { given: string[]; family: string };

// Faker has no locale data for Urdu and writes Chinese and Arabic names in their own scripts; coordinators in a US
// clinic search and read romanised names, so those languages use these short romanised lists instead.
const ROMANISED: Record<
  'zh' | 'ar' | 'ur',
  { family: readonly string[]; female: readonly string[]; male: readonly string[] }
> = {
  zh: {
    family: [
      'Wang',
      'Li',
      'Zhang',
      'Liu',
      'Chen',
      'Yang',
      'Huang',
      'Zhao',
      'Wu',
      'Zhou',
      'Xu',
      'Sun',
      'Ma',
      'Zhu',
      'Hu',
      'Guo',
      'Lin',
      'He',
    ],
    female: ['Mei', 'Li Na', 'Xiuying', 'Jing', 'Hui', 'Yan', 'Fang', 'Ling', 'Xin', 'Min', 'Yun', 'Qing'],
    male: ['Wei', 'Jun', 'Hao', 'Ming', 'Jian', 'Tao', 'Lei', 'Qiang', 'Bo', 'Yong', 'Peng', 'Zhiwei'],
  },
  ar: {
    family: [
      'Haddad',
      'Khoury',
      'Nasser',
      'Hassan',
      'Mansour',
      'Saleh',
      'Aziz',
      'Farah',
      'Abboud',
      'Karam',
      'Hamdan',
      'Said',
    ],
    female: ['Fatima', 'Layla', 'Mariam', 'Noor', 'Rania', 'Huda', 'Salma', 'Yasmin', 'Amira', 'Lina', 'Dina', 'Reem'],
    male: [
      'Ahmed',
      'Mohammed',
      'Omar',
      'Khalid',
      'Youssef',
      'Ali',
      'Hassan',
      'Tariq',
      'Samir',
      'Karim',
      'Ibrahim',
      'Nabil',
    ],
  },
  ur: {
    family: [
      'Khan',
      'Ahmed',
      'Malik',
      'Qureshi',
      'Siddiqui',
      'Butt',
      'Chaudhry',
      'Sheikh',
      'Raza',
      'Hussain',
      'Iqbal',
      'Mirza',
    ],
    female: ['Ayesha', 'Sana', 'Hira', 'Fatima', 'Zainab', 'Nadia', 'Amna', 'Sadia', 'Mehwish', 'Rabia'],
    male: ['Imran', 'Bilal', 'Usman', 'Faisal', 'Hamza', 'Asif', 'Kamran', 'Adnan', 'Zeeshan', 'Waqas'],
  },
};

/** Draws localized personal names from one shared random stream. */
export type NameSource = {
  name(language: LanguageCode, sex: NameSex): PersonName;
  /** A given name in the language, used for relatives and emergency contacts. */
  givenName(language: LanguageCode, sex: NameSex): string;
};

/**
 * Builds the name source. The faker instances share `rng` as their randomizer, so re-seeding `rng` for a patient makes
 * the names depend only on that seed; each generator run builds its own instances, so interleaved runs never share
 * state.
 */
export function createNameSource(rng: Rng): NameSource {
  // Faker calls the randomizer's methods unbound, hence the arrow functions.
  const randomizer: Randomizer = { next: () => rng.next(), seed: (seed) => rng.seed(seed) };
  const fakers = {
    en: new Faker({ locale: [en_US, en, base], randomizer }),
    es: new Faker({ locale: [es_MX, es, en, base], randomizer }),
    vi: new Faker({ locale: [vi, en, base], randomizer }),
  };
  const givenName = (language: LanguageCode, sex: NameSex): string => {
    if (language === 'zh' || language === 'ar' || language === 'ur') return rng.pick(ROMANISED[language][sex]);
    return fakers[language].person.firstName(sex);
  };
  return {
    givenName,
    name(language, sex) {
      if (language === 'zh' || language === 'ar' || language === 'ur') {
        const list = ROMANISED[language];
        return { given: [rng.pick(list[sex])], family: rng.pick(list.family) };
      }
      const faker = fakers[language];
      const given = [faker.person.firstName(sex)];
      // Hispanic patients often carry two family names; registration systems usually keep both in `family`.
      const family =
        language === 'es' && rng.chance(0.35)
          ? `${faker.person.lastName()} ${faker.person.lastName()}`
          : faker.person.lastName();
      if (language === 'en' && rng.chance(0.3)) given.push(faker.person.middleName(sex));
      return { given, family };
    },
  };
}

/** ASCII form of a name for e-mail addresses: strips diacritics and anything but letters. */
export function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
