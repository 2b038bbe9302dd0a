export { createProgram, main } from './cli-program.js';
export { type DistributionLocation, findDistribution, listDistributions } from './find-distribution.js';
