import { type Datasets, defineProviderSpec } from '@llama-stack-ts/core';
import { LocalFsDatasetsConfig, sampleLocalFsDatasetsConfig } from './localfs-config.js';
import { LocalFsDatasets } from './localfs-datasets.js';

/** `inline::localfs`: datasets registered on disk, their rows read from JSONL, JSON, CSV or Parquet. */
export const localFsDatasetsProviderSpec = defineProviderSpec<LocalFsDatasetsConfig, Datasets>({
  specVersion: 'v1',
  api: 'datasets',
  providerType: 'inline::localfs',
  description:
    'Datasets registered in the data directory: rows from JSONL, JSON, CSV or Parquet behind a file:// (read in place), ' +
    'http(s):// or data: URL (copied), checked against the columns on create, read page by page or streamed.',
  configSchema: LocalFsDatasetsConfig,
  sampleConfig: sampleLocalFsDatasetsConfig,
  async create(config, context) {
    const datasets = await LocalFsDatasets.open({
      config: LocalFsDatasetsConfig.parse(config),
      dataDir: context.dataDir,
      urlPolicy: context.urlPolicy,
      logger: context.logger,
    });
    context.logger.info('datasets ready', { datasets: datasets.size });
    return { implementation: datasets, dispose: () => datasets.dispose() };
  },
});
