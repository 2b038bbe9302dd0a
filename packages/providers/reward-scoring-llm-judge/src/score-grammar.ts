/** The GBNF grammar (llama.cpp) of one digit from `min` to `max`: all the judge may answer. */
export function scoreGrammar(min: number, max: number): string {
  return `root ::= [${min}-${max}]`;
}
