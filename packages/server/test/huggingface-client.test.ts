import { textGeneration, textGenerationStream } from '@huggingface/inference';
import {
  textGenerationStream as textGenerationStreamV3,
  textGeneration as textGenerationV3,
} from 'hf-inference-v3';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceAccess } from '../src/inference-access/inference-access.js';
import { createOpenAiRoutes } from '../src/openai/create-openai-routes.js';
import { scriptedStack } from '../src/test-support/scripted-inference.js';
import { serveOnLoopback } from '../src/test-support/serve-on-loopback.js';
import { createTgiRoutes } from '../src/tgi/create-tgi-routes.js';

/**
 * `@huggingface/inference` against the routes over a real socket. Version 3 speaks TGI's native
 * API (`POST /` with `inputs` and `parameters`, token events); version 4 sends `endpointUrl`
 * requests to the OpenAI-style `/v1/completions`, with TGI's parameters and the URL as `model`.
 */
describe('@huggingface/inference', () => {
  let server: Awaited<ReturnType<typeof serveOnLoopback>>;
  let busyServer: Awaited<ReturnType<typeof serveOnLoopback>>;

  beforeAll(async () => {
    const logger = pino({ level: 'silent' });
    const inference = createInferenceAccess(scriptedStack());
    const app = new Hono();
    app.route('/', createOpenAiRoutes(inference, { logger }));
    app.route('/', createTgiRoutes(inference, { logger }));
    server = await serveOnLoopback(app);
    busyServer = await serveOnLoopback(createTgiRoutes(inference, { logger, tgiModel: 'busy-llm' }));
  });
  afterAll(async () => {
    await server.close();
    await busyServer.close();
  });

  describe('version 3, TGI native', () => {
    it('textGeneration', async () => {
      const output = await textGenerationV3({
        endpointUrl: server.url,
        inputs: 'My name is',
        parameters: { max_new_tokens: 2, return_full_text: false },
      });
      expect(output.generated_text).toBe('Hello world');
    });

    it('textGenerationStream: tokens, then generated_text and details', async () => {
      const tokens: string[] = [];
      let last: { generated_text: string | null; details: unknown } | undefined;
      for await (const output of textGenerationStreamV3({
        endpointUrl: `${server.url}/generate_stream`,
        inputs: 'My name is',
        parameters: { details: true },
      })) {
        if (!output.token.special) tokens.push(output.token.text);
        last = output;
      }
      expect(tokens).toEqual(['Hello', ' world', '!']);
      expect(last?.generated_text).toBe('Hello world!');
      expect(last?.details).toEqual({
        finish_reason: 'eos_token',
        generated_tokens: 3,
        seed: null,
        input_length: 5,
      });
    });

    it('textGenerationStream on the root route, which prepends the prompt by default as TGI does', async () => {
      let generated: string | null = null;
      for await (const output of textGenerationStreamV3({ endpointUrl: server.url, inputs: 'Hi: ' })) {
        generated = output.generated_text;
      }
      expect(generated).toBe('Hi: Hello world!');
    });

    it("reports TGI's overloaded error", async () => {
      await expect(textGenerationV3({ endpointUrl: busyServer.url, inputs: 'x' })).rejects.toThrow(
        /Model is overloaded/,
      );
    });
  });

  describe('version 4, through /v1/completions', () => {
    it('textGeneration', async () => {
      const output = await textGeneration({
        endpointUrl: server.url,
        inputs: 'My name is',
        parameters: { max_new_tokens: 2 },
      });
      expect(output.generated_text).toBe('Hello world');
    });

    it('textGenerationStream', async () => {
      let text = '';
      for await (const output of textGenerationStream({ endpointUrl: server.url, inputs: 'My name is' })) {
        const chunk = output as unknown as { choices: { text: string }[] };
        text += chunk.choices[0]?.text ?? '';
      }
      expect(text).toBe('Hello world!');
    });
  });
});
