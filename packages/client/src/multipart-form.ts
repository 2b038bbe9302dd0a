import { isUploadedFile } from '@llama-stack-ts/core';

/**
 * The fields of a multipart route's request as the `FormData` the server reads: an `UploadedFile`
 * as a file part with its name and media type, a nested object as `name[key]` parts
 * (`expires_after[seconds]`), anything else as text. `fetch` writes the boundary and the
 * `Content-Type` itself. A file's stream is read into a `Blob` first: `FormData` takes no streams,
 * and browsers send streamed request bodies only over HTTP/2.
 */
export async function toFormData(fields: Record<string, unknown>): Promise<FormData> {
  const form = new FormData();
  const append = async (name: string, value: unknown): Promise<void> => {
    if (value === undefined || value === null) return;
    if (isUploadedFile(value)) {
      const blob = await new Response(value.stream).blob();
      form.append(name, new Blob([blob], { type: value.content_type }), value.filename);
    } else if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) await append(`${name}[${key}]`, inner);
    } else {
      form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
  };
  for (const [name, value] of Object.entries(fields)) await append(name, value);
  return form;
}
