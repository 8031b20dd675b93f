/**
 * Letters from other scripts that look like Latin ones (Cyrillic `а`, Greek `ο`, …), folded to the
 * Latin letter they imitate. A data table, taken from the lookalikes of Unicode's confusables list
 * that matter for identifiers and prose an attacker would imitate; NFKC already folds fullwidth and
 * mathematical forms before this runs.
 */
const LOOKALIKES: Record<string, string> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  ӏ: 'l',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  т: 't',
  ц: 'u',
  ѵ: 'v',
  ԝ: 'w',
  х: 'x',
  у: 'y',
  ɡ: 'g',
  ո: 'n',
  А: 'A',
  В: 'B',
  С: 'C',
  Е: 'E',
  Н: 'H',
  І: 'I',
  Ј: 'J',
  К: 'K',
  М: 'M',
  О: 'O',
  Р: 'P',
  Ѕ: 'S',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  Ԝ: 'W',
  Ԁ: 'D',
  Ԛ: 'Q',
  Ү: 'Y',
  ү: 'y',
  Һ: 'H',
  ԍ: 'G',
  // Greek
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  // Armenian, Latin extensions and others seen in lookalike names
  օ: 'o',
  ս: 'u',
  ց: 'g',
  ı: 'i',
  ȷ: 'j',
  ʟ: 'L',
  ɑ: 'a',
  ɩ: 'i',
  ꓲ: 'I',
  Ꭺ: 'A',
  Ꮯ: 'C',
  Ꭼ: 'E',
  Ꮋ: 'H',
  Ꮃ: 'W',
  ᴅ: 'D',
};

export function foldLookalike(text: string): string {
  let out = '';
  for (const char of text) out += LOOKALIKES[char] ?? char;
  return out;
}

const SCRIPTS: Array<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Han', /\p{Script=Han}/u],
];

/** The scripts a text's letters come from (`Common` punctuation and digits are not counted). */
export function scriptsOf(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    const script = SCRIPTS.find(([, pattern]) => pattern.test(char))?.[0] ?? 'Other';
    found.add(script);
  }
  return [...found];
}
