import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution } from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import {
  type FuzzRequest,
  fuzzRequests,
  type KnownValue,
  type OpenApiDocument,
} from '../support/openapi-fuzz-requests.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// Every operation `/openapi.json` lists, on `llama-stack-ts run local` over the small models, sent
// hostile input (see support/openapi-fuzz-requests.ts): bad input must be a 4xx, never a 5xx.
//
// A 5xx passes only as a typed answer that is not a fault of the server: 501 (an operation the
// provider does not implement) or 503 (a dependency unavailable, a model still downloading), each
// with its error code. 500, 502, 504 and an untyped 5xx fail. APIs the distribution does not serve
// answer 404 `api_not_served`, so their routes are fuzzed as well (on their validation).

const seed = 9;

interface Answer {
  request: FuzzRequest;
  status: number;
  body: string;
}

function isServerFault({ status, body }: Answer): boolean {
  if (status < 500) return false;
  if (status !== 501 && status !== 503) return true;
  try {
    return typeof (JSON.parse(body) as { error?: { code?: unknown } }).error?.code !== 'string';
  } catch {
    return true;
  }
}

describeWithModels(
  'fuzz over /openapi.json: llama-stack-ts run local',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let distribution: RunningDistribution;
    let document: OpenApiDocument;
    let known: KnownValue;

    async function created<T>(response: Promise<Response>): Promise<T> {
      const answer = await response;
      const text = await answer.text();
      if (answer.status !== 200) throw new Error(`setting up the fuzz: ${answer.status} ${text}`);
      return JSON.parse(text) as T;
    }

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-e2e-fuzz-'));
      distribution = await startLocalDistribution({ home });
      document = (await (await fetch(`${distribution.url}/openapi.json`)).json()) as OpenApiDocument;

      // Real things to aim at, so the requests built on them reach the providers.
      const { data: models } = await created<{ data: { identifier: string; model_type: string }[] }>(
        fetch(`${distribution.url}/models/list`),
      );
      const llm = models.find((model) => model.model_type === 'llm')?.identifier;
      const embedder = models.find((model) => model.model_type === 'embedding')?.identifier;
      await created(
        postJson(`${distribution.url}/memory_banks/create?bank_uuid=fuzz-bank&bank_name=Fuzz`, []),
      );
      const { agent_uuid: agent } = await created<{ agent_uuid: string }>(
        postJson(`${distribution.url}/agentic_system/create`, {
          instructions: 'Answer briefly.',
          model: llm,
          sampling_params: { max_tokens: 2 },
        }),
      );
      const { session_id: session } = await created<{ session_id: string }>(
        postJson(`${distribution.url}/agentic_system/session/create`, { agent_uuid: agent }),
      );
      const values: Record<string, unknown> = {
        embedding_model: embedder,
        bank_uuid: 'fuzz-bank',
        memory_bank_uuids: ['fuzz-bank'],
        agent_uuid: agent,
        agent_id: agent,
        session_id: session,
        shield_type: 'banned_content',
        messages: [{ role: 'user', content: 'Once upon a time' }],
        // Short generations: a request that passes validation runs the model.
        max_tokens: 2,
        sampling_params: { max_tokens: 2 },
      };
      known = (name, operationId) =>
        name === 'model' ? (operationId === 'embeddings' ? embedder : llm) : values[name];
    });

    afterAll(async () => {
      await killAllChildren();
      await rm(home, { recursive: true, force: true });
    });

    async function send(request: FuzzRequest): Promise<Answer> {
      const path = request.path.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodeURIComponent(request.pathValues[name] ?? ''),
      );
      const url = new URL(path, distribution.url);
      for (const [name, value] of request.query) url.searchParams.append(name, value);
      const response = await fetch(url, {
        method: request.method,
        headers: request.body === undefined ? {} : { 'content-type': request.body.contentType },
        body: request.body?.text,
      });
      // A stream that started is a 200 whatever follows; its events are not what this checks.
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        await response.body?.cancel();
        return { request, status: response.status, body: '' };
      }
      return { request, status: response.status, body: await response.text() };
    }

    it('answers hostile input on every operation without a server fault', async () => {
      const requests = fuzzRequests(document, { random: seededRandom(seed), known });
      const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(new Set(requests.map((request) => `${request.method} ${request.path}`))).toEqual(
        new Set(operations),
      );

      const answers: Answer[] = [];
      for (const request of requests) answers.push(await send(request));

      const faults = answers
        .filter(isServerFault)
        .map(
          ({ request, status, body }) =>
            `${request.method} ${request.path} (${request.label}) -> ${status} ${body.slice(0, 300)}`,
        );
      expect(faults).toEqual([]);
      // The fuzz got through to the validation of every operation that is served and takes input.
      const key = ({ request }: Answer) => `${request.method} ${request.path}`;
      const served = new Set(answers.filter((answer) => !answer.body.includes('"api_not_served"')).map(key));
      const takingInput = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, operation]) => (operation.parameters?.length ?? 0) > 0 || operation.requestBody)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );
      // A path parameter names a resource, so an unknown one is refused with a 404.
      const refused = new Set(
        answers
          .filter(
            (answer) =>
              answer.status === 400 ||
              answer.status === 422 ||
              (answer.status === 404 && Object.keys(answer.request.pathValues).length > 0),
          )
          .map(key),
      );
      expect(takingInput.filter((operation) => served.has(operation) && !refused.has(operation))).toEqual([]);
    }, 300_000);

    it('answers 400 naming the field for the 300-character agent id that once made the agents store fail', async () => {
      const response = await postJson(`${distribution.url}/agentic_system/session/create`, {
        agent_uuid: 'a'.repeat(300),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: {
          code: 'invalid_request',
          field: 'agent_uuid',
          message: 'agent_uuid: must be at most 128 characters long (this one has 300)',
        },
      });
      const query = new URLSearchParams({ agent_uuid: 'helper', session_id: '../../etc/passwd' });
      const session = await fetch(`${distribution.url}/agentic_system/session/get?${query}`);
      expect(session.status).toBe(400);
      expect(await session.json()).toMatchObject({ error: { field: 'session_id' } });
    });
  },
);
