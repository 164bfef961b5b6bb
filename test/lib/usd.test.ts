import { isPositiveUsd, isPositiveUsdOption, isUsd, formatUsd, toPositiveUsd, toUsd } from '../../lib/usd';
import { positiveUsdSchema, usdSchema } from '../../lib/usd-schema';

describe('money as one type', () => {
  it('takes plain decimals only, and a budget or raise only above zero', () => {
    for (const ok of ['0', '3', '12.50', '0.0001']) expect(isUsd(ok)).toBe(true);
    for (const bad of ['', '-1', '1e3', 'Infinity', 'NaN', ' 5', '5 ', '1.', '.5', '1,5', '0x10'])
      expect(isUsd(bad)).toBe(false);
    for (const zero of ['0', '0.00', '000']) expect(isPositiveUsd(zero)).toBe(false);
    for (const ok of ['0.01', '10', '7.50']) expect(isPositiveUsd(ok)).toBe(true);
  });

  it('keeps a string as given and writes a number out in full', () => {
    expect(toUsd('0.10')).toBe('0.10');
    expect(toUsd(12.5)).toBe('12.5');
    expect(toUsd(1e-7)).toBe('0.0000001');
    expect(toUsd(1e21)).toBe('1000000000000000000000');
    for (const bad of [-5, Infinity, Number.NaN]) expect(toUsd(bad)).toBeNull();
    expect(toPositiveUsd(0)).toBeNull();
    expect(toPositiveUsd('0.00')).toBeNull();
  });

  it('formats exactly: 4 places below a dollar, 2 from a dollar up, or the places asked for', () => {
    expect(formatUsd('0.123456')).toBe('$0.1235');
    expect(formatUsd('12.5')).toBe('$12.50');
    expect(formatUsd('1.005')).toBe('$1.01'); // a float would give $1.00
    expect(formatUsd('12.5', 4)).toBe('$12.5000');
  });

  it('refuses a bad option value through Typanion with the one message', () => {
    const validate = isPositiveUsdOption();
    const errors: string[] = [];
    expect(validate('7.50', { errors, p: undefined })).toBe(true);
    expect(validate('0', { errors, p: undefined })).toBe(false);
    expect(errors).toEqual(['.: must be a positive amount in USD such as 20 or 7.50, not "0"']);
  });

  it('parses MCP and config amounts with zod into the exact decimal string', () => {
    expect(positiveUsdSchema().parse(12.5)).toBe('12.5');
    expect(positiveUsdSchema().parse('0.10')).toBe('0.10');
    for (const bad of [0, '0', '-1', 'abc', Infinity]) {
      const result = positiveUsdSchema().safeParse(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/must be a positive amount in USD/);
    }
    expect(usdSchema.parse('0')).toBe('0');
    expect(usdSchema.safeParse('-1').success).toBe(false);
  });
});
