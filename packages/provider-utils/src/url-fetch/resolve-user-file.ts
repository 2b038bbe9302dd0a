import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForbiddenError, InvalidRequestError, type UrlPolicy } from '@llama-stack-ts/core';

export interface ResolveUserFileOptions {
  /** The distribution's `url_fetch:` policy; without one, no file may be read. */
  policy: UrlPolicy | undefined;
  /** The request field holding the path or URL, named by every error. Default `url`. */
  field?: string;
}

/** A file a user named, checked to be inside `url_fetch.file_roots`. */
export interface UserFile {
  /** Its real path (links and `..` resolved). */
  path: string;
  size: number;
}

/**
 * Checks a `file://` URL or an absolute server path against `policy.allowedFileRoots`: the path as
 * written must lie inside a root (so nothing outside is even looked at), and so must its real
 * path (so a symbolic link cannot lead out). Outside: `ForbiddenError` naming `url_fetch.file_roots`;
 * missing or not a regular file: `InvalidRequestError` naming it.
 */
export async function resolveUserFile(
  pathOrFileUrl: string,
  options: ResolveUserFileOptions,
): Promise<UserFile> {
  const { policy, field = 'url' } = options;
  const path = toAbsolutePath(pathOrFileUrl, field);
  const roots = policy?.allowedFileRoots ?? [];
  const forbidden = () =>
    new ForbiddenError(
      `${field}: ${pathOrFileUrl} is outside the directories the server may read (${
        roots.length > 0 ? roots.join(', ') : 'none configured'
      }); add its directory to url_fetch.file_roots in distribution.yaml, or send the content another way.`,
      { field },
    );
  if (!roots.some((root) => isInside(resolve(root), path))) throw forbidden();

  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new InvalidRequestError(field, `names no readable file (${path}); check the path`);
  }
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)));
  if (!realRoots.some((root) => root !== undefined && isInside(root, real))) throw forbidden();

  const info = await stat(real);
  if (!info.isFile()) throw new InvalidRequestError(field, `names ${path}, which is not a regular file`);
  return { path: real, size: info.size };
}

function toAbsolutePath(pathOrFileUrl: string, field: string): string {
  if (/^file:/i.test(pathOrFileUrl)) {
    try {
      return resolve(fileURLToPath(pathOrFileUrl));
    } catch (error) {
      throw new InvalidRequestError(field, `is not a valid file:// URL (${(error as Error).message})`);
    }
  }
  if (!isAbsolute(pathOrFileUrl)) {
    throw new InvalidRequestError(field, `must be an absolute path or a file:// URL, not '${pathOrFileUrl}'`);
  }
  return resolve(pathOrFileUrl);
}

function isInside(root: string, path: string): boolean {
  const between = relative(root, path);
  return between === '' || (between !== '..' && !between.startsWith(`..${sep}`) && !isAbsolute(between));
}
