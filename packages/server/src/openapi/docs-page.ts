/** Swagger UI from a CDN, pinned: no dependency to install, nothing to build. */
const swaggerUiVersion = '5.17.14';
const cdn = `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${swaggerUiVersion}`;

/**
 * The `/docs` page: Swagger UI over `openapi.json`. The document URL is relative, so the page works
 * wherever the app is mounted (`/docs` reads `/openapi.json`, `/llama/docs` reads
 * `/llama/openapi.json`).
 */
export function renderDocsPage(title: string): string {
  const escapedTitle = title.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapedTitle}</title>
    <link rel="stylesheet" href="${cdn}/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${cdn}/swagger-ui-bundle.js" crossorigin="anonymous"></script>
    <script>
      window.ui = SwaggerUIBundle({ url: new URL('openapi.json', window.location.href).href, dom_id: '#swagger-ui' });
    </script>
  </body>
</html>
`;
}
