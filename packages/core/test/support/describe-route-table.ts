import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../src/validation/parse-request.js';
import { type AnyRouteDefinition, loadRouteFixtures, parseRouteRequest } from './route-fixtures.js';

/**
 * Registers the checks every API's route table gets: the table is exactly `signatures`
 * (`METHOD /path`, in order), and one test per wire example in `fixturesDirectory` (its request
 * parses through the route's query and body schemas, its response through `response`, its chunks
 * through `streamChunk`), with every route covered by at least one example.
 */
export function describeRouteTable(
  fixturesDirectory: URL,
  routes: readonly AnyRouteDefinition[],
  signatures: readonly string[],
): void {
  const fixtures = loadRouteFixtures(fileURLToPath(fixturesDirectory), routes);

  describe('route table', () => {
    it('has exactly these routes, with their methods and paths, in order', () => {
      expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual(signatures);
    });
  });

  describe('wire examples', () => {
    it('cover every route', () => {
      const covered = new Set(fixtures.map((fixture) => fixture.route.operation));
      expect(routes.map((route) => route.operation).filter((operation) => !covered.has(operation))).toEqual(
        [],
      );
    });

    for (const fixture of fixtures) {
      it(`${fixture.file} parses (${fixture.route.method} ${fixture.route.path})`, () => {
        const hasRequest =
          fixture.params !== undefined || fixture.query !== undefined || fixture.body !== undefined;
        if (hasRequest) {
          expect(() => parseRouteRequest(fixture.route, fixture)).not.toThrow();
          if (fixture.body !== undefined) expect(fixture.route.body, 'route takes no body').toBeDefined();
        }
        if (fixture.response !== undefined)
          parseRequest(fixture.route.response, fixture.response, 'response');
        if (fixture.chunks !== undefined) {
          expect(fixture.route.streamChunk, 'route does not stream').toBeDefined();
          const streamChunk = fixture.route.streamChunk;
          if (streamChunk) {
            for (const [index, chunk] of fixture.chunks.entries()) {
              parseRequest(streamChunk, chunk, `chunks.${index}`);
            }
          }
        }
        expect(hasRequest || fixture.response !== undefined || fixture.chunks !== undefined).toBe(true);
      });
    }
  });
}
