import { defineProviderSpec, type Files } from '@llama-stack-ts/core';
import { LocalFsFilesConfig, sampleLocalFsFilesConfig } from './localfs-config.js';
import { LocalFsFiles } from './localfs-files.js';

/** `inline::localfs`: OpenAI's Files API over the provider's data directory. */
export const localFsFilesProviderSpec = defineProviderSpec<LocalFsFilesConfig, Files>({
  specVersion: 'v1',
  api: 'files',
  providerType: 'inline::localfs',
  description:
    "OpenAI's Files API in the data directory: uploads streamed to disk and put in place atomically, " +
    'metadata kept across restarts, expires_after honoured.',
  configSchema: LocalFsFilesConfig,
  sampleConfig: sampleLocalFsFilesConfig,
  async create(config, context) {
    const files = await LocalFsFiles.open({
      config: LocalFsFilesConfig.parse(config),
      dataDir: context.dataDir,
      logger: context.logger,
    });
    context.logger.info('files ready', { directory: context.dataDir });
    return { implementation: files, dispose: () => files.dispose() };
  },
});
