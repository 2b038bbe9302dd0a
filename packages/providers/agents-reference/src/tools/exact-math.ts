import { all, create } from 'mathjs';

/**
 * mathjs with exact decimals (BigNumber, 64 digits) and the functions that could reach outside an
 * expression (import, createUnit, evaluate, parse, …) disabled, as mathjs's security notes advise.
 * No JavaScript `eval` is involved: mathjs parses its own expression language.
 */
// `all` is typed optional in mathjs's declarations but is always exported.
const math = create(all ?? {}, { number: 'BigNumber', precision: 64 });
const evaluateExpression = math.evaluate.bind(math);
const disabled = (name: string) => () => {
  throw new Error(`the function ${name} is disabled in the math tool`);
};
math.import(
  {
    import: disabled('import'),
    createUnit: disabled('createUnit'),
    evaluate: disabled('evaluate'),
    parse: disabled('parse'),
    simplify: disabled('simplify'),
    derivative: disabled('derivative'),
    resolve: disabled('resolve'),
    reviver: disabled('reviver'),
    compile: disabled('compile'),
  },
  { override: true },
);

/** The exact value of an expression, as mathjs formats it. */
export function evaluateMath(expression: string): string {
  const result: unknown = evaluateExpression(expression);
  if (typeof result === 'function') throw new Error('the expression defines a function; ask for a value');
  // Plain notation up to 64 digits: the model reads "1267650600228229401496703205376", not "1.27e+30".
  return math.format(result as never, { precision: 64, lowerExp: -12, upperExp: 64 });
}
