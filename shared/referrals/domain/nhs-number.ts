/**
 * NHS number validation: 10 digits, Modulus 11 check digit, not all zeros.
 * Spaces and hyphens a person might type (`943 476 5919`) are not accepted by the API:
 * clients send the 10 digits, so there is one canonical form to hash and compare.
 */
export const NHS_NUMBER_PATTERN = /^\d{10}$/;

/** The check digit the first nine digits call for, or `undefined` when none is valid (remainder 1). */
export const nhsCheckDigit = (firstNine: string): number | undefined => {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined;
  return check;
};

/** Whether `value` is a valid NHS number. */
export const isValidNhsNumber = (value: string): boolean => {
  if (!NHS_NUMBER_PATTERN.test(value) || value === '0000000000') return false;
  const expected = nhsCheckDigit(value.slice(0, 9));
  return expected !== undefined && expected === Number(value[9]);
};
