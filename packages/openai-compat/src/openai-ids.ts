import { randomBytes } from 'node:crypto';

/** What every answer and chunk of one request shares. */
export interface ResponseHead {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
}

/** An id like OpenAI's: a prefix and 24 random base62-ish characters. */
export function openAiId(prefix: string): string {
  return `${prefix}${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** Seconds since the epoch, as OpenAI's `created`. */
export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The head every answer and chunk of a new request shares: a fresh id with `idPrefix`, and now. */
export function newResponseHead(idPrefix: string, model: string, systemFingerprint: string): ResponseHead {
  return { id: openAiId(idPrefix), created: unixSeconds(), model, systemFingerprint };
}

/** The leading fields of an answer or chunk, in OpenAI's order. */
export function headOf<Kind extends string>(
  head: ResponseHead,
  object: Kind,
): { id: string; object: Kind; created: number; model: string; system_fingerprint: string } {
  return {
    id: head.id,
    object,
    created: head.created,
    model: head.model,
    system_fingerprint: head.systemFingerprint,
  };
}
