import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

/** Swagger UI's files, served from the installed `swagger-ui-dist`, so `/docs` works offline and loads nothing from a CDN. */
const assets = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;
type AssetName = keyof typeof assets;

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * `/docs`, Swagger UI over `openapi.json`, and its assets under `/docs/`. Every URL the page uses is
 * relative, so it works wherever the app is mounted (`/docs` reads `/openapi.json`, `/llama/docs`
 * reads `/llama/openapi.json`).
 */
export function createDocsRoutes(title: string): Hono {
  const app = new Hono();
  const cache = new Map<AssetName, Promise<Uint8Array<ArrayBuffer>>>();
  app.get('/docs', (c) => c.html(renderDocsPage(title)));
  app.get('/docs/:asset', async (c) => {
    const name = c.req.param('asset');
    if (!Object.hasOwn(assets, name)) return c.notFound();
    const asset = name as AssetName;
    let content = cache.get(asset);
    if (!content) {
      content = readFile(join(swaggerUiDir, asset)).then((bytes) => new Uint8Array(bytes));
      cache.set(asset, content);
    }
    return c.body(await content, 200, {
      'Content-Type': assets[asset],
      'Cache-Control': 'public, max-age=86400',
    });
  });
  return app;
}

function renderDocsPage(title: string): string {
  const escapedTitle = title.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapedTitle}</title>
    <link rel="stylesheet" href="docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script>
      window.ui = SwaggerUIBundle({ url: new URL('openapi.json', window.location.href).href, dom_id: '#swagger-ui' });
    </script>
  </body>
</html>
`;
}
