import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DisposedError } from '@llama-stack-ts/core';
import type { KeyValueStore } from './key-value-store.js';

/** The longest file name the usual file systems take (ext4, XFS, Btrfs, APFS): 255 bytes, of ASCII here. */
const maxFileNameBytes = 255;

/** What a file named after a key's hash holds: the key itself, for `list`, and the value. */
interface HashedEntry {
  key: string;
  value: unknown;
}

/**
 * A key-value store of one JSON file per key in a directory. Writes go to a temporary file that is
 * renamed over the key's file (or, for `create`, hard-linked to it), so a crash never leaves a
 * half-written value and readers in other processes see the old value or the new one.
 *
 * A file name encodes its key (`encodeURIComponent`, with `.` and `*` escaped too), so it never
 * holds a path separator or `..`. A key whose encoding would pass the file name limit gets a file
 * named `+<sha256 of the key>.json` (`+` is never left bare by the encoding) that holds
 * `{ key, value }`: any key, of any length, has a file name that works.
 */
export class FileKeyValueStore implements KeyValueStore {
  #disposed = false;

  private constructor(private readonly directory: string) {}

  static async open(directory: string): Promise<FileKeyValueStore> {
    await mkdir(directory, { recursive: true });
    return new FileKeyValueStore(directory);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    this.#guard();
    const { path, hashed } = this.#file(key);
    try {
      const stored: unknown = JSON.parse(await readFile(path, 'utf8'));
      if (!hashed) return stored as Value;
      const entry = stored as HashedEntry;
      return entry.key === key ? (entry.value as Value) : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    const { temporary, target } = await this.#writeTemporary(key, value);
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** `link` fails when the target exists, so of several processes creating one key exactly one wins. */
  async create(key: string, value: unknown): Promise<boolean> {
    const { temporary, target } = await this.#writeTemporary(key, value);
    try {
      await link(temporary, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async delete(key: string): Promise<boolean> {
    this.#guard();
    try {
      await rm(this.#file(key).path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    this.#guard();
    const names = (await readdir(this.directory)).filter(
      (name) => name.endsWith('.json') && !name.startsWith('.tmp-'),
    );
    const keys = await Promise.all(
      names.map((name) =>
        name.startsWith(hashedPrefix)
          ? this.#hashedKey(name)
          : decodeURIComponent(name.slice(0, -'.json'.length)),
      ),
    );
    return keys.filter((key): key is string => key?.startsWith(prefix) === true).sort();
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Writes the value for `key` to a fresh temporary file, whole, before it is put in place. */
  async #writeTemporary(key: string, value: unknown): Promise<{ temporary: string; target: string }> {
    this.#guard();
    const { path: target, hashed } = this.#file(key);
    const temporary = join(this.directory, `.tmp-${randomUUID()}`);
    const stored: unknown = hashed ? ({ key, value } satisfies HashedEntry) : value;
    await writeFile(temporary, JSON.stringify(stored), 'utf8');
    return { temporary, target };
  }

  #file(key: string): { path: string; hashed: boolean } {
    const name = fileNameOf(key);
    if (name !== undefined) return { path: join(this.directory, name), hashed: false };
    // JSON.stringify keeps a lone surrogate apart from U+FFFD, which UTF-8 would merge it with.
    const digest = createHash('sha256').update(JSON.stringify(key)).digest('hex');
    return { path: join(this.directory, `${hashedPrefix}${digest}.json`), hashed: true };
  }

  /** The key a hashed file holds; undefined when it was deleted meanwhile. */
  async #hashedKey(name: string): Promise<string | undefined> {
    try {
      return (JSON.parse(await readFile(join(this.directory, name), 'utf8')) as HashedEntry).key;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError('FileKeyValueStore');
  }
}

const hashedPrefix = '+';

/** The key's own file name; undefined when it would be too long or the key is not well-formed text. */
function fileNameOf(key: string): string | undefined {
  let encoded: string;
  try {
    encoded = encodeURIComponent(key);
  } catch {
    return undefined; // a lone surrogate
  }
  // encodeURIComponent leaves `.`, `*`, `!`, `'`, `(`, `)`, `~` alone; `.` would allow `..`.
  const name = `${encoded.replace(/[.*!'()~]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)}.json`;
  return name.length <= maxFileNameBytes ? name : undefined;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
