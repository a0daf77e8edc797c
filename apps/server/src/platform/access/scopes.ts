/** The interactions a SMART v2 scope grants (c create, r read, u update, d delete, s search). */
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';

export type SmartScope = Readonly<{
  context: 'system' | 'user' | 'patient';
  /** A resource type or `*`. */
  resourceType: string;
  interactions: ReadonlySet<Interaction>;
}>;

const V1: Record<string, Interaction[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };

/**
 * Parses one SMART App Launch 2.0 resource scope (`system/Patient.rs`, `system/*.cruds`; the v1 forms `.read`,
 * `.write` and `.*` are accepted and mapped). Returns undefined for anything else (e.g. `openid`), so the caller can
 * refuse it by name. Scope query parameters (`?category=…`) are not supported and refused.
 */
export function parseScope(text: string): SmartScope | undefined {
  const m = /^(system|user|patient)\/([A-Za-z]+|\*)\.([a-z*]+)$/.exec(text);
  if (!m) return undefined;
  const [, context, resourceType, perms] = m as unknown as [string, SmartScope['context'], string, string];
  let interactions: Interaction[] | undefined = V1[perms];
  if (!interactions) {
    // v2 permissions must be a subsequence of "cruds" (SMART 2.0 §Scopes: in that order, each at most once).
    if (!/^c?r?u?d?s?$/.test(perms) || perms === '') return undefined;
    interactions = [...perms] as Interaction[];
  }
  return { context, resourceType, interactions: new Set(interactions) };
}

/** True when one of the scopes allows `interaction` on `resourceType`. */
export function scopesAllow(scopes: readonly SmartScope[], resourceType: string, interaction: Interaction): boolean {
  return scopes.some(
    (s) => (s.resourceType === '*' || s.resourceType === resourceType) && s.interactions.has(interaction),
  );
}
