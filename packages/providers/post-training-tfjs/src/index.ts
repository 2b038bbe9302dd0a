export { defaultTfjsBackend, type TfjsBackendName, tf, useTfjsBackend } from './tfjs-engine.js';
