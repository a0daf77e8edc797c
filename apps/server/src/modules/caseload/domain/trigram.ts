/**
 * Trigram similarity as PostgreSQL's pg_trgm computes it (F.35): each word (runs of letters and digits, lower-cased,
 * accents removed) padded with two spaces in front and one behind, cut into trigrams; similarity is the number of
 * trigrams both strings share over the number in either. 1 for the same words, 0 for nothing in common.
 */
export function trigramSimilarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
}

function trigrams(s: string): Set<string> {
  const out = new Set<string>();
  const words = s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
  for (const word of words) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  }
  return out;
}
