import { fileURLToPath } from 'node:url';
import { type ListeningProcess, listeningUrl, startListeningProcess } from '../listening-process.js';

/** Starts byte-relay-process.mjs relaying to `upstreamUrl`; resolves with its URL once it listens. */
export function startByteRelay(upstreamUrl: string, timeoutMs: number): Promise<ListeningProcess<string>> {
  return startListeningProcess({
    name: 'the byte relay',
    args: [fileURLToPath(new URL('./byte-relay-process.mjs', import.meta.url)), upstreamUrl],
    env: process.env,
    timeoutMs,
    ready: listeningUrl,
  });
}
