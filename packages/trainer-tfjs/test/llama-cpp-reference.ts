import { getLlama, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';

let llama: Promise<Llama> | undefined;

/** One CPU llama.cpp for the tests, never compiled at run time (the prebuilt binaries ship with npm). */
export function testLlama(): Promise<Llama> {
  llama ??= getLlama({ gpu: false, build: 'never', maxThreads: 0 });
  return llama;
}

export async function loadReferenceModel(path: string): Promise<LlamaModel> {
  return (await testLlama()).loadModel({ modelPath: path, gpuLayers: 0 });
}

/** BOS then the text's tokens, as llama.cpp would feed a completion prompt. */
export function promptTokens(model: LlamaModel, text: string): number[] {
  const bos = model.tokens.bos;
  return [...(bos === null ? [] : [bos]), ...model.tokenize(text)];
}

/** llama.cpp's next-token log-probabilities after each token (softmax of its raw logits, in f64). */
export async function referenceLogprobs(
  model: LlamaModel,
  tokens: readonly number[],
  lora?: string,
): Promise<Float64Array[]> {
  const context = await model.createContext({
    contextSize: 256,
    threads: 1,
    // The trainer computes attention in f32. llama.cpp's defaults (f16 K/V cache, flash attention,
    // which rounds Q to f16 on CPU) move stories260K's log-probabilities by up to 0.016 on their
    // own; with f32 K/V and plain attention the two agree to ~1e-5.
    experimentalKvCacheKeyType: 'F32',
    experimentalKvCacheValueType: 'F32',
    flashAttention: false,
    ...(lora ? { lora: { adapters: [{ filePath: lora }] } } : {}),
  });
  try {
    const sequence = context.getSequence();
    const outputs = await sequence.controlledEvaluate(
      tokens.map((token) => [token as Token, { generateNext: { logits: true } }]),
    );
    return outputs.map((output) => {
      const logits = output?.next.logits;
      if (!logits) throw new Error('llama.cpp returned no logits');
      const row = new Float64Array(logits.size);
      for (const [token, logit] of logits) row[token] = logit;
      let max = Number.NEGATIVE_INFINITY;
      for (const value of row) max = Math.max(max, value);
      let sum = 0;
      for (const value of row) sum += Math.exp(value - max);
      const logSum = max + Math.log(sum);
      return row.map((value) => value - logSum);
    });
  } finally {
    await context.dispose();
  }
}

/** llama.cpp's greedy continuation of `prompt` (BOS first), up to `maxTokens` or end of text. */
export async function greedyCompletion(
  model: LlamaModel,
  prompt: string,
  maxTokens: number,
  lora?: string,
): Promise<string> {
  const context = await model.createContext({
    contextSize: 256,
    threads: 1,
    ...(lora ? { lora: { adapters: [{ filePath: lora }] } } : {}),
  });
  try {
    const generated: Token[] = [];
    for await (const token of context
      .getSequence()
      .evaluate(promptTokens(model, prompt) as Token[], { temperature: 0 })) {
      if (token === model.tokens.eos || generated.length === maxTokens) break;
      generated.push(token);
    }
    return model.detokenize(generated);
  } finally {
    await context.dispose();
  }
}
