import { getLlama } from 'node-llama-cpp';
const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 0, logLevel: 'error' });
const model = await llama.loadModel({ modelPath: '/work/shared/models/stories260K.gguf' });
const ctx = await model.createContext({ contextSize: 256, threads: 1, sequences: 2 });
const seq = ctx.getSequence();
for (const opts of [{ temperature: 0.8, seed: 1 }, { temperature: 0.8, topP: 0.95, seed: 1 }, { temperature: 1.5, topK: 40, seed: 3 }]) {
  await seq.clearHistory();
  const it = seq.evaluateWithMetadata(model.tokenize('Once upon a time'), { probabilities: true, confidence: true }, opts);
  let n = 0;
  for await (const out of it) {
    const top = [...out.probabilities.entries()].slice(0, 3).map(([t, p]) => `${JSON.stringify(model.detokenize([t]))}:${p.toFixed(3)}`);
    console.log(JSON.stringify(model.detokenize([out.token])), out.confidence.toFixed(3), out.probabilities.size, top.join(' '));
    if (++n >= 4) break;
  }
}
console.log('eos', model.tokens.eos, model.tokens.bos, ctx.contextSize, ctx.batchSize);
await llama.dispose();
