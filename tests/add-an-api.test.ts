import { createStackClient } from '@llama-stack-ts/client';
import {
  allRoutes,
  apiRegistry,
  defineApi,
  defineRoutes,
  type RequestOptions,
  routesOf,
} from '@llama-stack-ts/core';
import { type ServableStack, type StackServer, startStackServer } from '@llama-stack-ts/server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

// Adding an API is one folder under packages/core/src/apis/ and one line in api-registry.ts. This
// suite adds a fictitious `notes` API the same way, with its folder's three files written inline,
// and checks that the server, /openapi.json and the typed client serve it with nothing else changed.

// notes-schemas.ts
const AddNoteRequest = z.object({
  title: z.string().min(1).max(200).describe('What the note is about.'),
  body: z.string().describe('The text of the note.'),
});
type AddNoteRequest = z.infer<typeof AddNoteRequest>;
const Note = z.object({ note_id: z.string(), title: z.string(), body: z.string() });
type Note = z.infer<typeof Note>;

// notes-protocol.ts
interface Notes {
  addNote(request: AddNoteRequest, options?: RequestOptions): Promise<Note>;
}

// notes-routes.ts
const notesRoutes = defineRoutes<Notes>()([
  {
    api: 'notes',
    method: 'POST',
    path: '/notes/add',
    operation: 'addNote',
    summary: 'Keep a note.',
    body: AddNoteRequest,
    response: Note,
  },
]);

// The registry line.
const registry = [
  ...apiRegistry,
  defineApi<Notes>()({ name: 'notes', description: 'Notes kept by the stack.', routes: notesRoutes }),
] as const;
const routes = routesOf(registry);

class InMemoryNotes implements Notes {
  readonly notes: Note[] = [];
  async addNote(request: AddNoteRequest): Promise<Note> {
    const note = { note_id: `note-${this.notes.length + 1}`, ...request };
    this.notes.push(note);
    return note;
  }
}

describe('an API added as one folder and one registry line', () => {
  const notes = new InMemoryNotes();
  const stack: ServableStack = {
    manifest: { name: 'notes-demo' },
    apis: { notes },
    models: {
      listModels: async () => ({ data: [] }),
      getModel: async () => Promise.reject(new Error('none')),
    },
    health: async () => [],
    dispose: async () => undefined,
  };
  let server: StackServer;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startStackServer(stack, { routes, port: 0, logger: pino({ level: 'silent' }) });
    baseUrl = server.url;
  });
  afterAll(() => server.close());

  it('is served, with its request validated by its schema', async () => {
    const added = await fetch(`${baseUrl}/notes/add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'groceries', body: 'oats' }),
    });
    expect(added.status).toBe(200);
    expect(await added.json()).toEqual({ note_id: 'note-1', title: 'groceries', body: 'oats' });

    const invalid = await fetch(`${baseUrl}/notes/add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: '', body: 'oats' }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'invalid_request', field: 'title' } });
    expect(notes.notes).toHaveLength(1);
  });

  it('is documented in /openapi.json beside every other route', async () => {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    expect(document.paths['/notes/add']?.post?.summary).toBe('Keep a note.');
    for (const route of allRoutes) expect(document.paths).toHaveProperty([route.path]);
  });

  it('gets typed client methods', async () => {
    const client = createStackClient({ baseUrl, routes });
    expectTypeOf(client.notes.addNote).parameter(0).toEqualTypeOf<{ title: string; body: string }>();
    expectTypeOf(client.notes.addNote).returns.resolves.toEqualTypeOf<Note>();
    expect(await client.notes.addNote({ title: 'call', body: 'the vet' })).toEqual({
      note_id: 'note-2',
      title: 'call',
      body: 'the vet',
    });
    await expect(client.notes.addNote({ title: '', body: 'x' })).rejects.toMatchObject({
      status: 400,
      field: 'title',
    });
  });
});
