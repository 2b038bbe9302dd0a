import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DisposedError } from '@llama-stack-ts/core';
import type { KeyValueStore } from './key-value-store.js';

/**
 * A key-value store of one JSON file per key in a directory. Writes go to a temporary file that is
 * renamed over the key's file, so a crash never leaves a half-written value and readers in other
 * processes see the old value or the new one. File names encode the key (`encodeURIComponent`,
 * with `.` and `*` escaped too) so any key is a safe file name.
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
    try {
      return JSON.parse(await readFile(this.#path(key), 'utf8')) as Value;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#guard();
    const target = this.#path(key);
    const temporary = join(this.directory, `.tmp-${randomUUID()}`);
    await writeFile(temporary, JSON.stringify(value), 'utf8');
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<boolean> {
    this.#guard();
    try {
      await rm(this.#path(key));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    this.#guard();
    const names = await readdir(this.directory);
    return names
      .filter((name) => name.endsWith('.json') && !name.startsWith('.tmp-'))
      .map((name) => decodeKey(name.slice(0, -'.json'.length)))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #path(key: string): string {
    return join(this.directory, `${encodeKey(key)}.json`);
  }

  #guard(): void {
    if (this.#disposed) throw new DisposedError('FileKeyValueStore');
  }
}

function encodeKey(key: string): string {
  // encodeURIComponent leaves `.`, `*`, `!`, `'`, `(`, `)`, `~` alone; `.` would allow `..`.
  return encodeURIComponent(key).replace(
    /[.*!'()~]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeKey(name: string): string {
  return decodeURIComponent(name);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
