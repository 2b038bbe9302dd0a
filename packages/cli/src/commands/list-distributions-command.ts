import { relative } from 'node:path';
import { listDistributions } from '../find-distribution.js';
import { formatTable } from './format-table.js';

/** `llama-stack-ts list-distributions`. */
export function listDistributionsCommand(): void {
  const distributions = listDistributions();
  if (distributions.length === 0) {
    process.stdout.write(
      'No distribution found here. Install one (pnpm add @llama-stack-ts/distribution-local) or write a distribution.yaml.\n',
    );
    return;
  }
  const rows = distributions.map((distribution) => [
    distribution.name,
    distribution.description ?? '',
    relative(process.cwd(), distribution.manifestPath) || distribution.manifestPath,
  ]);
  process.stdout.write(formatTable(['NAME', 'DESCRIPTION', 'MANIFEST'], rows));
  process.stdout.write('\nStart one with: llama-stack-ts run <name>\n');
}
