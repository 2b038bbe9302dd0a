export { jsonlDataUrl, trainedSentences, trainedSentencesDataset } from './trained-sentences.js';
