import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectInvalidRequest } from '../../../test/support/expect-invalid-request.js';
import {
  loadRouteFixtures,
  parseRouteRequest,
  type RouteFixture,
} from '../../../test/support/route-fixtures.js';
import { agenticSystemRoutes } from '../agentic-system/index.js';
import { batchInferenceRoutes } from '../batch-inference/index.js';
import { datasetsRoutes } from '../datasets/index.js';
import { memoryBanksRoutes } from '../memory-banks/index.js';
import { postTrainingRoutes } from '../post-training/index.js';
import { identifier } from './identifier.js';

describe('identifier', () => {
  const id = identifier('must name a thing');

  it.each([
    '0b8f3c52-5a7e-4c1e-9d3f-2f6a9f0c4e11',
    'travel-agent',
    'sft-2024-07-23-001',
    'handbook/leave.md',
    'user@example.com',
    'https://example.com/docs/guide.html',
    'a',
    'a'.repeat(128),
  ])('accepts %s', (value) => {
    expect(id.parse(value)).toBe(value);
  });

  it.each([
    ['', 'must name a thing'],
    ['a'.repeat(129), 'must be at most 128 characters long (this one has 129)'],
    [
      'two words',
      'may only hold letters, digits and . _ - ~ : / @ + =, and must start with a letter or a digit',
    ],
    ['../../etc/passwd', 'must start with a letter or a digit'],
    ['/absolute', 'must start with a letter or a digit'],
    ['-flag', 'must start with a letter or a digit'],
    ['line\nbreak', 'may only hold'],
    ['50%25', 'may only hold'],
    ['a?b=c', 'may only hold'],
    ['café', 'may only hold'],
  ])('refuses %j with one message', (value, message) => {
    const result = id.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it('takes a longer bound where one is asked for', () => {
    const long = identifier('must name a document', { maxLength: 256 });
    expect(long.safeParse('a'.repeat(256)).success).toBe(true);
    expect(long.safeParse('a'.repeat(257)).error?.issues[0]?.message).toBe(
      'must be at most 256 characters long (this one has 257)',
    );
  });
});

/** Keys of the wire that carry a client-chosen id (or a list of them). */
const idKey = /(^|_)(uuid|id)s?$/;

interface IdOccurrence {
  fixture: RouteFixture;
  part: 'query' | 'body';
  path: (string | number)[];
}

/** Every string under an id key in `value`, with its path. */
function findIds(value: unknown, path: (string | number)[] = [], underIdKey = false): (string | number)[][] {
  if (typeof value === 'string') return underIdKey ? [path] : [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => findIds(item, [...path, index], underIdKey));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => findIds(item, [...path, key], idKey.test(key)));
  }
  return [];
}

function withValueAt(value: unknown, path: (string | number)[], replacement: string): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = withValueAt(copy[head], rest, replacement);
  return copy;
}

describe('client-chosen ids in the route tables', () => {
  const fixtures = [
    ['../agentic-system/__fixtures__', agenticSystemRoutes],
    ['../batch-inference/__fixtures__', batchInferenceRoutes],
    ['../datasets/__fixtures__', datasetsRoutes],
    ['../memory-banks/__fixtures__', memoryBanksRoutes],
    ['../post-training/__fixtures__', postTrainingRoutes],
  ].flatMap(([directory, routes]) =>
    loadRouteFixtures(fileURLToPath(new URL(directory as string, import.meta.url)), routes as never),
  );
  const occurrences: IdOccurrence[] = fixtures.flatMap((fixture) => [
    ...findIds(fixture.query).map((path) => ({ fixture, part: 'query' as const, path })),
    // A bare-array body sits under `bodyField`, which may itself be an id key (`document_uuids`).
    ...findIds(fixture.body, [], idKey.test(fixture.route.bodyField ?? '')).map((path) => ({
      fixture,
      part: 'body' as const,
      path,
    })),
  ]);
  const fieldOf = ({ fixture, part, path }: IdOccurrence) =>
    [part === 'body' ? fixture.route.bodyField : undefined, ...path]
      .filter((segment) => segment !== undefined)
      .join('.');

  it('are bounded on every route that takes one', () => {
    const fields = new Set(
      occurrences.map((occurrence) => `${occurrence.fixture.route.operation} ${fieldOf(occurrence)}`),
    );
    const generic = [...fields].map((field) => field.replace(/\.\d+\./g, '.*.').replace(/\.\d+$/, '.*'));
    expect([...new Set(generic)].sort()).toEqual([
      'cancelTrainingJob job_uuid',
      'createAgenticSystem memory_bank_uuids.*',
      'createAgenticSystem uuid',
      'createBatch input_file_id',
      'createDataset uuid',
      'createMemoryBank bank_uuid',
      'createMemoryBank documents.*.uuid',
      'createSession agent_uuid',
      'deleteAgenticSystem agent_id',
      'deleteDataset dataset_id',
      'deleteDocuments bank_uuid',
      'deleteDocuments document_uuids.*',
      'deleteSession agent_uuid',
      'deleteSession session_id',
      'dropMemoryBank bank_uuid',
      'execute agent_uuid',
      'execute turn_history.*.steps.*.uuid',
      'executeSessionTurn agent_uuid',
      'executeSessionTurn session_id',
      'getDataset dataset_id',
      'getDocuments bank_uuid',
      'getDocuments document_uuids.*',
      'getJobStatus job_id',
      'getSession agent_uuid',
      'getSession session_id',
      'getTrainingJobArtifacts job_uuid',
      'getTrainingJobLogs job_uuid',
      'getTrainingJobStatus job_uuid',
      'insertDocuments bank_uuid',
      'insertDocuments documents.*.uuid',
      'iterrows dataset_id',
      'preferenceOptimize job_uuid',
      'queryDocuments bank_uuid',
      'supervisedFineTune job_uuid',
      'updateDocuments bank_uuid',
      'updateDocuments documents.*.uuid',
    ]);
  });

  for (const occurrence of occurrences) {
    const { fixture, part, path } = occurrence;
    const field = fieldOf(occurrence);
    it.each([
      ['overlong', 'x'.repeat(300), 'characters long (this one has 300)'],
      ['a path', '../../etc/passwd', 'must start with a letter or a digit'],
    ])(`${fixture.file}: ${field} %s is refused naming the field`, (_, bad, message) => {
      const input = {
        query: fixture.query,
        body: fixture.body,
        [part]: withValueAt(fixture[part], path, bad),
      };
      const error = expectInvalidRequest(() => parseRouteRequest(fixture.route, input));
      expect(error.field).toBe(field);
      expect(error.message).toContain(message);
    });
  }
});
