import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, nhsCheckDigit } from '#shared/referrals/domain/nhs-number.ts';

/**
 * Reference implementation, written from NHS Digital's description of the Modulus 11
 * check, independently of the module under test: weights 10..2 on the first nine digits,
 * remainder of the sum by 11, check = 11 − remainder; 11 means 0, 10 means no valid
 * number. DESIGN §3 also rules out all zeros.
 */
const referenceIsValid = (value: string): boolean => {
  if (value.length !== 10) return false;
  const digits: number[] = [];
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (ch.length !== 1 || code < 48 || code > 57) return false;
    digits.push(code - 48);
  }
  if (digits.every((d) => d === 0)) return false;
  const weights = [10, 9, 8, 7, 6, 5, 4, 3, 2];
  const total = weights.reduce((sum, weight, i) => sum + weight * (digits[i] ?? 0), 0);
  const remainder = total % 11;
  let check = 11 - remainder;
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === digits[9];
};

const digit = fc.integer({ min: 0, max: 9 });
const tenDigits = fc.array(digit, { minLength: 10, maxLength: 10 }).map((ds) => ds.join(''));

describe('isValidNhsNumber: known cases', () => {
  it.each(['9434765919', '4010232137'])('accepts the valid NHS number %s', (value) => {
    // Prepare
    const candidate = value;

    // Act
    const valid = isValidNhsNumber(candidate);

    // Assess
    expect(valid).toBe(true);
  });

  it.each(['9434765910', '9434765918', '4010232130', '4010232138'])('rejects %s: wrong check digit', (value) => {
    // Prepare
    const candidate = value;

    // Act
    const valid = isValidNhsNumber(candidate);

    // Assess
    expect(valid).toBe(false);
  });

  it('accepts a number whose check digit comes out as 11, i.e. 0', () => {
    // Prepare: 1×10 + 6×2 = 22, 22 mod 11 = 0, 11 − 0 = 11 → 0
    const candidate = '1000000060';

    // Act
    const check = nhsCheckDigit(candidate.slice(0, 9));
    const valid = isValidNhsNumber(candidate);

    // Assess
    expect(check).toBe(0);
    expect(valid).toBe(true);
  });

  it('rejects every number whose first nine digits call for check digit 10', () => {
    // Prepare: 1×10 + 2×9 + … + 9×2 = 210, 210 mod 11 = 1, 11 − 1 = 10 → no valid number
    const firstNine = '123456789';
    const candidates = Array.from({ length: 10 }, (_, d) => `${firstNine}${d}`);

    // Act
    const check = nhsCheckDigit(firstNine);
    const results = candidates.map(isValidNhsNumber);

    // Assess
    expect(check).toBeUndefined();
    expect(results).toEqual(Array.from({ length: 10 }, () => false));
  });

  it('rejects all zeros, although its check digit is arithmetically right', () => {
    // Prepare
    const candidate = '0000000000';

    // Act
    const valid = isValidNhsNumber(candidate);

    // Assess
    expect(nhsCheckDigit('000000000')).toBe(0);
    expect(valid).toBe(false);
  });

  it.each([
    { value: '943476591', why: '9 digits' },
    { value: '94347659190', why: '11 digits' },
    { value: '943 476 5919', why: 'spaces' },
    { value: '943-476-5919', why: 'hyphens' },
    { value: '943476591A', why: 'a letter' },
    { value: ' 9434765919', why: 'leading space' },
    { value: '9434765919\n', why: 'trailing newline' },
    { value: '９４３４７６５９１９', why: 'full-width digits' },
    { value: '', why: 'the empty string' },
  ])('rejects $why', ({ value }) => {
    // Prepare
    const candidate = value;

    // Act
    const valid = isValidNhsNumber(candidate);

    // Assess
    expect(valid).toBe(false);
  });
});

describe('isValidNhsNumber: agrees with the reference Modulus 11 implementation', () => {
  it('on arbitrary 10-digit strings', () => {
    // Prepare
    const property = fc.property(tenDigits, (value) => isValidNhsNumber(value) === referenceIsValid(value));

    // Act
    const run = () => fc.assert(property, { numRuns: 2000 });

    // Assess
    expect(run).not.toThrow();
  });

  it('on nine arbitrary digits completed with every possible last digit', () => {
    // Prepare: exercises the valid case, which random ten digits hit only one time in eleven
    const property = fc.property(fc.array(digit, { minLength: 9, maxLength: 9 }), (nine) =>
      Array.from({ length: 10 }, (_, d) => `${nine.join('')}${d}`).every((value) => isValidNhsNumber(value) === referenceIsValid(value)),
    );

    // Act
    const run = () => fc.assert(property, { numRuns: 500 });

    // Assess
    expect(run).not.toThrow();
  });

  it('on arbitrary strings, including binary and ten-character ones', () => {
    // Prepare
    const anyString = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', minLength: 10, maxLength: 10 }),
      fc.string({ unit: 'binary' }),
      fc.stringMatching(/^[0-9 -]{9,12}$/),
    );
    const property = fc.property(anyString, (value) => isValidNhsNumber(value) === referenceIsValid(value));

    // Act
    const run = () => fc.assert(property, { numRuns: 2000 });

    // Assess
    expect(run).not.toThrow();
  });

  it('reference sanity: the reference itself accepts the known valid numbers and rejects all zeros', () => {
    // Prepare
    const known = ['9434765919', '4010232137', '1000000060'];

    // Act
    const results = known.map(referenceIsValid);

    // Assess
    expect(results).toEqual([true, true, true]);
    expect(referenceIsValid('0000000000')).toBe(false);
    expect(referenceIsValid('1234567890')).toBe(false);
  });
});
