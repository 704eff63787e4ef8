import { StringDictionary } from './string-dictionary';

describe('StringDictionary', () => {
  it('numbers strings in the order they were added and gives each back, through every growth', () => {
    const dictionary = new StringDictionary();
    const texts = Array.from(
      { length: 50_000 },
      (_, index) => `c_${index.toString(36)}${'é'.repeat(index % 3)}`,
    );
    texts.forEach((text, index) => expect(dictionary.add(text)).toBe(index));
    expect(dictionary.size).toBe(texts.length);
    // Adding again changes nothing.
    expect(dictionary.add(texts[12_345])).toBe(12_345);
    expect(dictionary.size).toBe(texts.length);
    const wrong = texts.filter(
      (text, index) => dictionary.numberOf(text) !== index || dictionary.textOf(index) !== text,
    );
    expect(wrong).toEqual([]);
  });

  it('tells apart strings that share bytes, prefixes or hash slots, and knows what it never held', () => {
    const dictionary = new StringDictionary();
    const texts = [
      '',
      'a',
      'ab',
      'ba',
      'whatsapp\n+1415',
      'whatsapp\n+14155',
      'Zoë',
      'Zoe\u0308',
      '😀',
      'x'.repeat(1_000),
    ];
    texts.forEach((text) => dictionary.add(text));
    expect(texts.map((text) => dictionary.numberOf(text))).toEqual(texts.map((_, index) => index));
    expect(texts.map((_, index) => dictionary.textOf(index))).toEqual(texts);
    expect(['abc', 'b', 'whatsapp\n+141', 'x'.repeat(999)].map((text) => dictionary.numberOf(text))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
