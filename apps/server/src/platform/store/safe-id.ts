/** Ids and versions echoed in messages are limited to the FHIR id alphabet, so no input is reflected verbatim. */
export function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9\-.]/g, '?').slice(0, 64);
}
