import { createRequire } from 'node:module';

/**
 * apache-arrow as @lancedb/lancedb loads it. LanceDB is CommonJS and takes as they are only the
 * Arrow tables of its own module instance; the ESM instance an `import` loads is another one, whose
 * tables LanceDB rebuilds from their properties, which loses the columns of a struct batch.
 */
export const lancedbArrow = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
