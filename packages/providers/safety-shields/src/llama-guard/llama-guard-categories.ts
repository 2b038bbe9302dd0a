/** Llama Guard 3's hazard taxonomy (MLCommons), by code. Llama Guard 3 1B has no S14. */
export const llamaGuardCategories = {
  S1: 'Violent Crimes',
  S2: 'Non-Violent Crimes',
  S3: 'Sex Crimes',
  S4: 'Child Exploitation',
  S5: 'Defamation',
  S6: 'Specialized Advice',
  S7: 'Privacy',
  S8: 'Intellectual Property',
  S9: 'Indiscriminate Weapons',
  S10: 'Hate',
  S11: 'Self-Harm',
  S12: 'Sexual Content',
  S13: 'Elections',
  S14: 'Code Interpreter Abuse',
} as const;

export type LlamaGuardCategoryCode = keyof typeof llamaGuardCategories;

export const llamaGuardCategoryCodes = Object.keys(llamaGuardCategories) as LlamaGuardCategoryCode[];

export function isLlamaGuardCategoryCode(code: string): code is LlamaGuardCategoryCode {
  return Object.hasOwn(llamaGuardCategories, code);
}
