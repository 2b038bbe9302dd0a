import type { AgenticSystem } from './agentic-system/index.js';
import type { BatchInference } from './batch-inference/index.js';
import type { Datasets } from './datasets/index.js';
import type { Inference } from './inference/index.js';
import type { MemoryBanks } from './memory-banks/index.js';
import type { PostTraining } from './post-training/index.js';
import type { RewardScoring } from './reward-scoring/index.js';
import type { Safety } from './safety/index.js';
import type { SyntheticDataGeneration } from './synthetic-data-generation/index.js';

/** The protocol each API's provider implements, by API name. */
export interface ApiProtocols {
  inference: Inference;
  safety: Safety;
  agentic_system: AgenticSystem;
  memory_banks: MemoryBanks;
  reward_scoring: RewardScoring;
  synthetic_data_generation: SyntheticDataGeneration;
  datasets: Datasets;
  post_training: PostTraining;
  batch_inference: BatchInference;
}
