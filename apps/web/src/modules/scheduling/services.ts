/** A HealthcareService as the scheduling screens name it. */
export type Service = { id: string; name?: string; type?: { text?: string; coding?: { display?: string }[] }[] };

export const serviceLabel = (s: Service) => s.name ?? s.type?.[0]?.text ?? s.type?.[0]?.coding?.[0]?.display ?? s.id;
