import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Attachment } from '@llama-stack-ts/core';

const maxDepth = 4;
const maxEntries = 500;
const maxAttachments = 16;

/** Image types recognised by their first bytes, never by the file name alone. */
const signatures: { mimeType: string; matches: (head: Buffer) => boolean }[] = [
  {
    mimeType: 'image/png',
    matches: (head) =>
      head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { mimeType: 'image/jpeg', matches: (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff },
  { mimeType: 'image/gif', matches: (head) => head.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    mimeType: 'image/webp',
    matches: (head) =>
      head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { mimeType: 'image/svg+xml', matches: (head) => /<svg[\s>]/i.test(head.toString('utf8')) },
];

const imageExtension = /\.(png|jpe?g|gif|webp|svg)$/i;

/**
 * Returns the image files the code wrote under `workDir` as data: URLs. The directory belongs to
 * untrusted code and the server may be root: symbolic links are never followed (a link named
 * `plot.png` pointing at /etc/shadow is skipped), only regular files with a single link are read, and
 * each is opened with O_NOFOLLOW so it cannot be swapped for a link in between.
 */
export async function collectImageAttachments(
  workDir: string,
  maxAttachmentBytes: number,
): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  let seen = 0;
  const visit = async (directory: string, depth: number): Promise<void> => {
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (++seen > maxEntries || attachments.length >= maxAttachments) return;
      const path = join(directory, entry.name);
      if (entry.isDirectory() && depth < maxDepth) await visit(path, depth + 1);
      else if (entry.isFile() && imageExtension.test(entry.name)) {
        const attachment = await readImage(path, maxAttachmentBytes);
        if (attachment !== undefined) attachments.push(attachment);
      }
    }
  };
  await visit(workDir, 0);
  return attachments;
}

async function readImage(path: string, maxAttachmentBytes: number): Promise<Attachment | undefined> {
  const stats = await lstat(path).catch(() => undefined);
  if (stats === undefined || !stats.isFile() || stats.nlink !== 1 || stats.size > maxAttachmentBytes)
    return undefined;
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    () => undefined,
  );
  if (handle === undefined) return undefined;
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.size > maxAttachmentBytes) return undefined;
    const bytes = await handle.readFile();
    const mimeType = signatures.find((signature) => signature.matches(bytes.subarray(0, 256)))?.mimeType;
    if (mimeType === undefined) return undefined;
    return { url: `data:${mimeType};base64,${bytes.toString('base64')}`, mime_type: mimeType };
  } finally {
    await handle.close();
  }
}
