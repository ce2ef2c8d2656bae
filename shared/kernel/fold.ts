/**
 * Folding of field names before they are matched against credential words, so that look-alike
 * spellings (`pаssword` with a Cyrillic а, fullwidth `ＰＡＳＳＷＯＲＤ`, `pass\u200bword`) name what they spell.
 */

/** Latin look-alikes that NFKC leaves alone (Cyrillic, Greek) and digits written for letters. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  ո: 'n',
  ս: 'u',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ı: 'i',
  ȷ: 'j',
  ℓ: 'l',
};

/** Invisible characters that split or hide a name: zero-width, soft hyphen, joiners, variation selectors. */
const INVISIBLE = /\u00ad|\u034f|\u180e|[\u200b-\u200f]|[\u2060-\u2064]|[\ufe00-\ufe0f]|\ufeff/g;

/**
 * A name folded for matching: compatibility forms (NFKC: fullwidth, ligatures, mathematical
 * letters), accents and invisible characters removed, Cyrillic and Greek look-alikes mapped to
 * Latin, lower case.
 * @example foldName('pаssword') // 'password' (the second letter was Cyrillic)
 */
export function foldName(name: string): string {
  const cached = folded.get(name);
  if (cached !== undefined) return cached;
  const out = fold(name);
  if (folded.size > 10_000) folded.clear();
  folded.set(name, out);
  return out;
}

const folded = new Map<string, string>();

function fold(name: string): string {
  const base = name.normalize('NFKD').replace(/\p{M}/gu, '').replace(INVISIBLE, '').toLowerCase();
  let out = '';
  for (const ch of base) out += CONFUSABLES[ch] ?? ch;
  return out.normalize('NFKC');
}
