import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixtureServer, type FixtureServer } from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, type RunningDistribution } from '../support/cli-process.js';
import { postJson } from '../support/http.js';
import { startLocalDistribution } from '../support/local-distribution.js';
import { describeWithModels, testModels } from '../support/test-models.js';

// Finding 2 of the hostile-input probe, over HTTP against `run local`: memory-bank documents given
// as URLs were fetched from loopback, the metadata address and a redirect's target, and a fake
// internal service's secret came back from /memory_bank/query. Here such a service runs on
// 127.0.0.1 with a secret; a "public" server runs on 127.0.0.2, which the distribution's allow-list
// (LLAMA_STACK_TS_ALLOWED_PRIVATE_HOSTS) lets through, and redirects to the internal service.

interface ErrorBody {
  error: { code: string; message: string };
}

const secret = `internal-secret-${process.pid}-${Date.now()}`;

describeWithModels(
  'URLs the server fetches for a user',
  [testModels.stories, testModels.bertEmbedder],
  () => {
    let home: string;
    let internal: FixtureServer;
    let publicSite: FixtureServer;
    let distribution: RunningDistribution;

    /** Every spelling of "this machine or its network" that a URL can carry, at the internal service's port. */
    const insideUrls = () => {
      const port = new URL(internal.url).port;
      return [
        ['loopback', `http://127.0.0.1:${port}/secret`],
        ['localhost', `http://localhost:${port}/secret`],
        ['the unspecified address', `http://0.0.0.0:${port}/secret`],
        ['a private address', `http://10.0.0.1:${port}/secret`],
        ['the cloud metadata address (link-local)', 'http://169.254.169.254/latest/meta-data/'],
        ['loopback in decimal', `http://2130706433:${port}/secret`],
        ['loopback as an IPv6-mapped address', `http://[::ffff:127.0.0.1]:${port}/secret`],
        ['IPv6 loopback', `http://[::1]:${port}/secret`],
        ['an allowed host redirecting to loopback', `${publicSite.url}/redirect`],
      ] as const;
    };

    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'lsts-hostile-urls-'));
      internal = await createFixtureServer({
        '/secret': { text: secret, headers: { 'content-type': 'text/plain' } },
      });
      publicSite = await createFixtureServer(
        {
          '/article': {
            text: 'Lighthouses guide ships along the rocky coast at night.',
            headers: { 'content-type': 'text/plain' },
          },
          '/redirect': { status: 302, headers: { location: `${internal.url}/secret` }, text: '' },
        },
        { host: '127.0.0.2' },
      );
      distribution = await startLocalDistribution({
        home,
        env: { LLAMA_STACK_TS_ALLOWED_PRIVATE_HOSTS: '127.0.0.2' },
      });
      const bank = await postJson(`${distribution.url}/memory_banks/create?bank_uuid=web&bank_name=web`, []);
      expect(bank.status, await bank.clone().text()).toBe(200);
    });

    afterAll(async () => {
      await killAllChildren();
      await internal?.close();
      await publicSite?.close();
      await rm(home, { recursive: true, force: true });
    });

    async function expectRefused(response: Response): Promise<void> {
      const text = await response.text();
      expect(response.status, text).toBe(403);
      expect(text).not.toContain(secret);
      expect((JSON.parse(text) as ErrorBody).error.message).toContain('url_fetch.allowed_private_hosts');
    }

    describe('memory bank documents', () => {
      it('refuses every inside address with 403, reaching nothing there', async () => {
        for (const [index, [, url]] of insideUrls().entries()) {
          await expectRefused(
            await postJson(`${distribution.url}/memory_bank/insert?bank_uuid=web`, [
              { uuid: `inside-${index}`, content: url, mime_type: 'text/plain' },
            ]),
          );
        }
        expect(internal.requests).toEqual([]);
        // The redirect was asked for; its target was refused before any connection.
        expect(publicSite.requests.map((request) => request.path)).toEqual(['/redirect']);
      });

      it('fetches a host on the allow-list, and no query ever answers with the secret', async () => {
        const inserted = await postJson(`${distribution.url}/memory_bank/insert?bank_uuid=web`, [
          { uuid: 'article', content: `${publicSite.url}/article`, mime_type: 'text/plain' },
        ]);
        expect(inserted.status, await inserted.clone().text()).toBe(200);
        const answer = await postJson(`${distribution.url}/memory_bank/query`, {
          bank_uuid: 'web',
          query: 'secret lighthouse',
          params: { max_chunks: 50 },
        });
        const text = await answer.text();
        expect(answer.status, text).toBe(200);
        expect(text).toContain('Lighthouses guide ships');
        expect(text).not.toContain(secret);
        expect(internal.requests).toEqual([]);
      });
    });

    describe('dataset content_url', () => {
      it('refuses every inside address with 403, reaching nothing there', async () => {
        const asked = publicSite.requests.length;
        for (const [index, [, url]] of insideUrls().entries()) {
          await expectRefused(
            await postJson(`${distribution.url}/datasets/create`, {
              uuid: `inside-${index}`,
              dataset: { columns: { text: 'text' }, content_url: url },
            }),
          );
        }
        expect(internal.requests).toEqual([]);
        expect(publicSite.requests.slice(asked).map((request) => request.path)).toEqual(['/redirect']);
        for (const index of insideUrls().keys()) {
          expect((await fetch(`${distribution.url}/datasets/get?dataset_id=inside-${index}`)).status).toBe(
            404,
          );
        }
      });
    });
  },
);
