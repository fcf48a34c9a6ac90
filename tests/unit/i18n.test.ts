import { describe, expect, it } from 'vitest';
import { ContractErrorCode, LinkId, LinkStatus } from '../../src/shared/contract';
import { en, hi, translate } from '../../src/shared/i18n';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const english = flatten(en as unknown as Tree);
  const hindi = flatten(hi as unknown as Tree);

  it('Hindi has every English key, and no other', () => {
    expect([...hindi.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('each Hindi string uses the same placeholders as its English one', () => {
    for (const [key, text] of english) expect({ key, names: placeholders(hindi.get(key) ?? '') }).toEqual({ key, names: placeholders(text) });
  });

  it('Hindi strings are written in Devanagari (not English left untranslated)', () => {
    const untranslated = [...hindi].filter(([key, text]) => !key.startsWith('language.') && text === english.get(key) && /[a-z]{4,}/i.test(text));
    expect(untranslated).toEqual([]);
  });

  it('every link, status and contract error code has words in both languages', () => {
    for (const language of ['en', 'hi'] as const) {
      for (const id of LinkId.options) expect(translate(language, `health.link.${id}`)).not.toBe(`health.link.${id}`);
      for (const status of LinkStatus.options) expect(translate(language, `health.status.${status}`)).not.toBe(`health.status.${status}`);
      for (const code of Object.values(ContractErrorCode)) expect(translate(language, `errors.${code}`)).not.toBe(`errors.${code}`);
    }
  });
});
