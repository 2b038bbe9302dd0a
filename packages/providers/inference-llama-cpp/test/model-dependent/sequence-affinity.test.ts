import { ChatCompletionRequest } from '@llama-stack-ts/core';
import { LlamaContextSequence } from 'node-llama-cpp';
import { expect, it, vi } from 'vitest';
import { describeWithModels, startProvider, testModel, testModels } from '../test-models.js';

const user = (content: string) => ({ role: 'user' as const, content });
const rubric = user('Rate your last answer from 1 to 5, the number only.');

describeWithModels(
  'sequence affinity: a chat continues the sequence that holds its start',
  [testModels.stories],
  () => {
    it('judging answers generated side by side re-reads only the rating turn, on whichever sequence made each', async () => {
      // Every evaluation path of node-llama-cpp reads its tokens through evaluateWithMetadata.
      const evaluate = vi.spyOn(LlamaContextSequence.prototype, 'evaluateWithMetadata');
      const evaluatedTokens = () => evaluate.mock.calls.reduce((sum, [tokens]) => sum + tokens.length, 0);
      await using provider = await startProvider({ gpu: 'cpu', context_size: 2048, threads: 1 }, [
        testModel('stories', testModels.stories, { metadata: { parallel_sequences: 4 } }),
      ]);
      const prompts = [0, 1, 2, 3].map((index) => `Story ${index}: once upon a time,`);
      const answers = await Promise.all(
        prompts.map((prompt, index) =>
          provider.inference.chatCompletion(
            ChatCompletionRequest.parse({
              model: 'stories',
              messages: [user(prompt)],
              max_tokens: 96,
              sampling_params: { strategy: 'top_p', temperature: 0.8, seed: index },
            }),
          ),
        ),
      );
      // Last generated first: a sequence handed out by order of release would hold another answer.
      for (const index of [3, 1, 0, 2]) {
        evaluate.mockClear();
        const judged = await provider.inference.chatCompletion(
          ChatCompletionRequest.parse({
            model: 'stories',
            messages: [
              user(prompts[index]!),
              { role: 'assistant', content: answers[index]!.content },
              rubric,
            ],
            max_tokens: 1,
            sampling_params: { strategy: 'greedy' },
            response_format: { type: 'grammar', bnf: 'root ::= [1-5]' },
          }),
        );
        const promptTokens = judged.usage?.prompt_tokens ?? 0;
        expect(promptTokens).toBeGreaterThan(100);
        // The rating turn and the answer's end (its last token is sampled, never read): a few dozen tokens.
        expect(evaluatedTokens(), `tokens read for a ${promptTokens}-token prompt`).toBeLessThan(
          promptTokens / 2,
        );
      }
      evaluate.mockRestore();
    });
  },
);
