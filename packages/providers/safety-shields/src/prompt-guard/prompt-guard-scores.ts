export interface PromptGuardScores {
  /** Probability the text tries to override the model's instructions (Prompt Guard's JAILBREAK). */
  jailbreak: number;
  /** Probability it carries instructions at all (INJECTION + JAILBREAK), as Meta's card scores it. */
  injection: number;
}

/**
 * Scores of one text from its class probabilities, by the labels of the model's `id2label`:
 * Prompt Guard 1 has BENIGN / INJECTION / JAILBREAK; a two-label model (Prompt Guard 2:
 * benign / malicious) scores its non-benign label as a jailbreak.
 */
export function promptGuardScores(
  probabilities: readonly number[],
  labels: readonly string[],
): PromptGuardScores {
  const indexOf = (name: string) => labels.findIndex((label) => label.toLowerCase().includes(name));
  let jailbreakIndex = indexOf('jailbreak');
  const injectionIndex = indexOf('injection');
  if (jailbreakIndex < 0 && injectionIndex < 0) {
    const benignIndex = labels.findIndex((label) => /benign|safe|label_0/i.test(label));
    jailbreakIndex = benignIndex === 0 ? 1 : 0;
  }
  const jailbreak = jailbreakIndex >= 0 ? (probabilities[jailbreakIndex] ?? 0) : 0;
  const injection = jailbreak + (injectionIndex >= 0 ? (probabilities[injectionIndex] ?? 0) : 0);
  return { jailbreak, injection };
}

/** Splits a long text at whitespace into pieces of at most `size` characters (Prompt Guard reads 512 tokens). */
export function chunkText(text: string, size: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > size) {
    const cut = rest.lastIndexOf(' ', size);
    const at = cut > size / 2 ? cut : size;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}
