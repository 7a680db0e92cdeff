/**
 * Python's float formatting, reproduced so progress bars, CSV logs and checkpoint names read exactly as
 * Keras writes them. JavaScript differs in three ways that matter here: `toFixed`/`toExponential` round
 * exact ties away from zero (Python rounds half to even), exponents have no zero padding (`e-5` versus
 * `e-05`), and `String(x)` switches to scientific notation at other thresholds than Python's `repr`.
 */

import { InvalidArgumentError } from '../errors.js';

/** The exact decimal expansion of a finite, non-negative double: integer digits and fraction digits. */
function exactDecimal(abs: number): { int: string; frac: string } {
  // Doubles >= 2^53 are integers; BigInt prints them exactly (toFixed switches to exponent form at 1e21).
  if (abs >= 2 ** 53) return { int: BigInt(abs).toString(), frac: '' };
  // toFixed(100) is exact to 100 places, which covers every double >= ~1e-80 whose digits we need;
  // for smaller values the dropped digits cannot create a rounding tie at the precisions used here.
  const [int, frac = ''] = abs.toFixed(100).split('.');
  return { int, frac: frac.replace(/0+$/, '') };
}

/** Rounds a digit string to `keep` digits, half to even on the digits that follow (exact, no floats). */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (digits.length <= keep) return { digits: digits.padEnd(keep, '0'), carry: false };
  const head = digits.slice(0, keep);
  const next = digits.charCodeAt(keep) - 48;
  const rest = digits.slice(keep + 1);
  const lastOdd = keep > 0 && (digits.charCodeAt(keep - 1) - 48) % 2 === 1;
  const roundUp = next > 5 || (next === 5 && (/[1-9]/.test(rest) || lastOdd));
  if (!roundUp) return { digits: head, carry: false };
  const out = head.split('').map(Number);
  let i = out.length - 1;
  while (i >= 0 && out[i] === 9) out[i--] = 0;
  if (i < 0) return { digits: out.join(''), carry: true };
  out[i] += 1;
  return { digits: out.join(''), carry: false };
}

function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return null;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/**
 * Python's `f"{x:.{digits}f}"`: fixed point, round half to even, `-0.0000` for negatives that round to 0.
 *
 * @example
 * ```ts
 * formatFixed(1.03125, 4); // '1.0312' (JavaScript's toFixed gives '1.0313')
 * ```
 */
export function formatFixed(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const { int, frac } = exactDecimal(Math.abs(x));
  const all = int + frac;
  const rounded = roundDigits(all, int.length + digits);
  let body = (rounded.carry ? '1' : '') + rounded.digits;
  const intLen = body.length - digits;
  body = digits > 0 ? `${body.slice(0, intLen)}.${body.slice(intLen)}` : body;
  body = body.replace(/^0+(?=\d)/, '');
  return (isNegative(x) ? '-' : '') + body;
}

/**
 * Python's `f"{x:.{digits}e}"`: one digit, `digits` decimals, exponent with sign and at least two digits.
 *
 * @example
 * ```ts
 * formatExponential(0.0004, 4); // '4.0000e-04'
 * ```
 */
export function formatExponential(x: number, digits: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  const sign = isNegative(x) ? '-' : '';
  const abs = Math.abs(x);
  let mantissa: string;
  let exponent: number;
  if (abs === 0) {
    mantissa = '0'.repeat(digits + 1);
    exponent = 0;
  } else if (abs < 1e-80) {
    // Too small for exactDecimal; no decimal tie is representable this small, so JS rounding agrees.
    const [m, e] = abs.toExponential(digits).split('e');
    return `${sign}${m}e${padExponent(Number(e))}`;
  } else {
    const { int, frac } = exactDecimal(abs);
    const all = (int + frac).replace(/^0+/, '');
    // Decimal exponent of the leading significant digit.
    exponent = int !== '0' ? int.length - 1 : -(frac.length - frac.replace(/^0+/, '').length) - 1;
    const rounded = roundDigits(all, digits + 1);
    mantissa = rounded.digits;
    if (rounded.carry) {
      mantissa = `1${mantissa}`.slice(0, digits + 1);
      exponent += 1;
    }
  }
  const m = digits > 0 ? `${mantissa[0]}.${mantissa.slice(1)}` : mantissa;
  return `${sign}${m}e${padExponent(exponent)}`;
}

function padExponent(e: number): string {
  return (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(2, '0');
}

/**
 * Python's `repr(float)` (also `str(float)`): the shortest round-trip digits, `1.0` for integral values,
 * scientific notation below 1e-4 and from 1e16 on (`1e-05`, `1e+16`).
 *
 * @example
 * ```ts
 * pythonFloatRepr(1e-5); // '1e-05'
 * pythonFloatRepr(2); // '2.0'
 * ```
 */
export function pythonFloatRepr(x: number): string {
  const special = nonFinite(x);
  if (special !== null) return special;
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument yields the shortest digits that round-trip, like Python's repr.
  const [m, e] = Math.abs(x).toExponential().split('e');
  const exp = Number(e);
  const digits = m.replace('.', '');
  if (exp < -4 || exp >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}e${padExponent(exp)}`;
  }
  let body: string;
  if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return sign + body;
}

/** A value a format template may name: integers format as Python ints, other numbers as floats. */
export type FormatValue = number | string;

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(0)?(\d+)?(?:\.(\d+))?([dfFeEs%])?$/;

/**
 * Formats one value by a Python format spec (`02d`, `.2f`, `.4e`, `>8.3f`, ...): the subset checkpoint
 * file names use. An integral number with an empty spec prints as an int only when `isInt` says so,
 * because Python keeps `epoch` an int and every log value a float.
 */
export function formatSpec(value: FormatValue, spec: string, isInt: boolean): string {
  const m = SPEC.exec(spec);
  if (m === null) throw new InvalidArgumentError('format spec', spec, 'a Python format spec such as "02d" or ".2f"');
  const [, fillChar, align, signFlag, zero, widthText, precisionText, type] = m;
  let body: string;
  let negative = false;
  if (typeof value === 'string') {
    if (type !== undefined && type !== 's') {
      throw new InvalidArgumentError('format spec', spec, `a spec for a string value (${JSON.stringify(value)})`);
    }
    body = precisionText !== undefined ? value.slice(0, Number(precisionText)) : value;
  } else {
    negative = isNegative(value) && !Number.isNaN(value);
    const abs = Math.abs(value);
    const precision = precisionText !== undefined ? Number(precisionText) : 6;
    switch (type) {
      case 'd':
        if (!isInt) {
          throw new InvalidArgumentError('format spec', spec, `a float spec for the float value ${pythonFloatRepr(value)}`);
        }
        body = BigInt(abs).toString();
        break;
      case 'f':
      case 'F':
        body = formatFixed(abs, precision);
        break;
      case 'e':
      case 'E':
        body = formatExponential(abs, precision);
        break;
      case '%':
        body = `${formatFixed(abs * 100, precision)}%`;
        break;
      case 's':
        throw new InvalidArgumentError('format spec', spec, 'a numeric spec for a number');
      default:
        if (precisionText !== undefined) {
          throw new InvalidArgumentError('format spec', spec, 'a type letter (d, f, e, %) with a precision');
        }
        body = isInt ? BigInt(abs).toString() : pythonFloatRepr(abs);
    }
    if (type === 'E' || type === 'F') body = body.toUpperCase();
  }
  const signText = negative ? '-' : signFlag === '+' ? '+' : signFlag === ' ' ? ' ' : '';
  const width = widthText !== undefined ? Number(widthText) : 0;
  const pad = width - signText.length - body.length;
  if (pad <= 0) return signText + body;
  const fill = fillChar ?? (zero !== undefined && align === undefined ? '0' : ' ');
  const effectiveAlign = align ?? (zero !== undefined ? '=' : typeof value === 'string' ? '<' : '>');
  switch (effectiveAlign) {
    case '<':
      return signText + body + fill.repeat(pad);
    case '^':
      return fill.repeat(Math.floor(pad / 2)) + signText + body + fill.repeat(pad - Math.floor(pad / 2));
    case '=':
      return signText + fill.repeat(pad) + body;
    default:
      return fill.repeat(pad) + signText + body;
  }
}

/** One `{name:spec}` field of a format template. */
export interface TemplateField {
  name: string;
  spec: string;
}

/**
 * The named fields of a Python format template, in order, without formatting anything: what a template
 * will ask for, so a caller can check it before any value exists. Throws on unbalanced braces.
 *
 * @example
 * ```ts
 * templateFields('{epoch:02d}-{val_loss:.2f}.keras'); // [{ name: 'epoch', spec: '02d' }, { name: 'val_loss', spec: '.2f' }]
 * ```
 */
export function templateFields(template: string): TemplateField[] {
  const fields: TemplateField[] = [];
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if ((ch === '{' && template[i + 1] === '{') || (ch === '}' && template[i + 1] === '}')) {
      i += 2;
    } else if (ch === '{') {
      const close = template.indexOf('}', i);
      if (close < 0) throw new InvalidArgumentError('filepath', template, "balanced '{' and '}' (use '{{' for a literal brace)");
      const field = template.slice(i + 1, close);
      const colon = field.indexOf(':');
      fields.push({ name: colon < 0 ? field : field.slice(0, colon), spec: colon < 0 ? '' : field.slice(colon + 1) });
      i = close + 1;
    } else if (ch === '}') {
      throw new InvalidArgumentError('filepath', template, "balanced '{' and '}' (use '}}' for a literal brace)");
    } else {
      i += 1;
    }
  }
  return fields;
}

/**
 * Python's `template.format(**values)` for named fields with optional specs (`{epoch:02d}`,
 * `{val_loss:.2f}`, `{{` and `}}` for braces). `intKeys` names the values Python would hold as ints.
 *
 * @example
 * ```ts
 * pythonFormat('{epoch:02d}-{val_loss:.2f}.keras', { epoch: 3, val_loss: 0.25 }, ['epoch']); // '03-0.25.keras'
 * ```
 */
export function pythonFormat(template: string, values: Readonly<Record<string, FormatValue>>, intKeys: readonly string[] = []): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '{' && template[i + 1] === '{') {
      out += '{';
      i += 2;
    } else if (ch === '}' && template[i + 1] === '}') {
      out += '}';
      i += 2;
    } else if (ch === '{') {
      const close = template.indexOf('}', i);
      if (close < 0) throw new InvalidArgumentError('filepath', template, "balanced '{' and '}' (use '{{' for a literal brace)");
      const field = template.slice(i + 1, close);
      const colon = field.indexOf(':');
      const name = colon < 0 ? field : field.slice(0, colon);
      const spec = colon < 0 ? '' : field.slice(colon + 1);
      if (!Object.prototype.hasOwnProperty.call(values, name)) {
        throw new InvalidArgumentError('filepath', template, `fields among ${Object.keys(values).map((k) => `'${k}'`).join(', ')} (no '${name}' in logs)`);
      }
      out += formatSpec(values[name], spec, intKeys.includes(name));
      i = close + 1;
    } else if (ch === '}') {
      throw new InvalidArgumentError('filepath', template, "balanced '{' and '}' (use '}}' for a literal brace)");
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}
