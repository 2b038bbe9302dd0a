import { silenceLanceDbWarnings } from '../../src/storage/silence-lancedb-warnings.js';

silenceLanceDbWarnings();
