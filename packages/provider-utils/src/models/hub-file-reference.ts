/**
 * One file of a Hugging Face hub repository, as a model's `provider_model_id` or the CLI names it:
 * `hf:<owner>/<repo>/<path/in/repo>` (a file), or `hf:<owner>/<repo>:<quant>` (the GGUF file whose
 * name carries that quantization, e.g. `Q4_K_M`, found by listing the repository). Either may put
 * `@<revision>` after the repository name. `huggingface:` works as the prefix too.
 */
export type HubFileReference =
  | { kind: 'file'; repoId: string; revision: string; file: string }
  | { kind: 'quant'; repoId: string; revision: string; quant: string };

const name = /^[\w.-]+$/;

export function isHubReference(source: string): boolean {
  return source.startsWith('hf:') || source.startsWith('huggingface:');
}

/** Parses an `hf:` file reference; throws a `TypeError` that shows the accepted forms. */
export function parseHubFileReference(source: string): HubFileReference {
  const body = source.replace(/^(hf|huggingface):/, '');
  const invalid = (why: string) =>
    new TypeError(
      `'${source}' is not a hub file reference (${why}); write hf:<owner>/<repo>/<file>.gguf or hf:<owner>/<repo>:<quant>, ` +
        'e.g. hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf or hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M.',
    );
  const [owner, repoPart, ...rest] = body.split('/');
  if (!owner || !repoPart || !name.test(owner)) throw invalid('no <owner>/<repo>');
  let repo = repoPart;
  let quant: string | undefined;
  const colon = repo.indexOf(':');
  if (colon !== -1) {
    quant = repo.slice(colon + 1);
    repo = repo.slice(0, colon);
  }
  let revision = 'main';
  const at = repo.indexOf('@');
  if (at !== -1) {
    revision = repo.slice(at + 1);
    repo = repo.slice(0, at);
  }
  if (!name.test(repo) || repo === '..' || revision === '') throw invalid('bad repository name');
  const repoId = `${owner}/${repo}`;
  if (quant !== undefined) {
    if (rest.length > 0 || !/^[\w.-]+$/.test(quant)) throw invalid('a quantization is a name like Q4_K_M');
    return { kind: 'quant', repoId, revision, quant };
  }
  const file = rest.join('/');
  if (file === '' || rest.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalid('no file path after the repository');
  }
  return { kind: 'file', repoId, revision, file };
}

/** How a reference is written back: `hf:owner/repo[@rev]/file` or `hf:owner/repo[@rev]:quant`. */
export function formatHubFileReference(reference: HubFileReference): string {
  const repo = reference.revision === 'main' ? reference.repoId : `${reference.repoId}@${reference.revision}`;
  return reference.kind === 'file' ? `hf:${repo}/${reference.file}` : `hf:${repo}:${reference.quant}`;
}

/**
 * The GGUF file of `files` whose name carries `quant` (case-insensitive, as a whole `-`/`.`/`_`
 * separated part, so `Q4_K` does not pick `Q4_K_M`). The first part of a split model
 * (`-00001-of-00003.gguf`) counts as the file.
 */
export function pickQuantFile(files: readonly string[], quant: string): string | undefined {
  const wanted = quant.toLowerCase();
  const candidates = files.filter((file) => {
    const lower = file.toLowerCase();
    if (!lower.endsWith('.gguf')) return false;
    if (/-0000[2-9]-of-|-000[1-9]\d-of-/.test(lower)) return false;
    const base = lower.slice(lower.lastIndexOf('/') + 1).replace(/\.gguf$/, '');
    return base.split(/[-.]/).includes(wanted) || base.endsWith(`-${wanted}`) || base.endsWith(`.${wanted}`);
  });
  return candidates.sort((a, b) => a.length - b.length)[0];
}
