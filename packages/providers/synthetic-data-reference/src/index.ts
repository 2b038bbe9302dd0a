export { type FilterSettings, filterCandidates } from './filters/filter-candidates.js';
export { keyedRandom, keyedSeed } from './keyed-random.js';
export {
  ReferenceSyntheticDataGeneration,
  type ReferenceSyntheticDataGenerationOptions,
  syntheticDataQueueName,
} from './reference-synthetic-data-generation.js';
export { type ResolvedRun, resolveRun } from './resolve-run.js';
export { type GenerationOutcome, type RunGenerationDeps, runGeneration } from './run-generation.js';
export { savedDatasetColumns } from './save-as-dataset.js';
export {
  SyntheticDataConfig,
  type SyntheticDataConfigInput,
  sampleSyntheticDataConfig,
} from './synthetic-data-config.js';
export {
  syntheticDataReferenceProviderSpec as default,
  syntheticDataReferenceProviderSpec,
} from './synthetic-data-provider-spec.js';
