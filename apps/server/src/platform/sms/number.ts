import type { ContactPoint } from '@medplum/fhirtypes';

/**
 * The number to text a person at, from their FHIR telecom: an `sms` contact point, else a mobile phone, as E.164
 * (a bare ten-digit number is taken as North American, +1); undefined when they have none that can take a text.
 */
export function textableNumber(telecom: readonly ContactPoint[] | undefined): string | undefined {
  const list = telecom ?? [];
  const raw =
    list.find((t) => t.system === 'sms')?.value ?? list.find((t) => t.system === 'phone' && t.use === 'mobile')?.value;
  const digits = raw?.replace(/[^\d+]/g, '') ?? '';
  if (/^\+[1-9]\d{7,14}$/.test(digits)) return digits;
  return /^\d{10}$/.test(digits) ? `+1${digits}` : undefined;
}
