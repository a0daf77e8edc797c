import { describe, expect, test } from 'vitest';
import { textableNumber } from './number.ts';

describe('textableNumber', () => {
  test('prefers an sms contact point, then a mobile phone, in E.164', () => {
    expect(
      textableNumber([
        { system: 'phone', use: 'mobile', value: '(555) 123-4567' },
        { system: 'sms', value: '+44 20 7946 0958' },
      ]),
    ).toBe('+442079460958');
    expect(textableNumber([{ system: 'phone', use: 'mobile', value: '555-123-4567' }])).toBe('+15551234567');
  });

  test('a home phone, a short or a malformed number is not textable', () => {
    expect(textableNumber([{ system: 'phone', use: 'home', value: '5551234567' }])).toBeUndefined();
    expect(textableNumber([{ system: 'sms', value: '12345' }])).toBeUndefined();
    expect(textableNumber([{ system: 'sms', value: '+0123456789' }])).toBeUndefined();
    expect(textableNumber(undefined)).toBeUndefined();
  });
});
