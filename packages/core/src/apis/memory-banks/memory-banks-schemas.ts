import { z } from 'zod';
import { Content, JsonObject } from '../common/common-schemas.js';
import { identifier } from '../common/identifier.js';

/**
 * Wire types of the MemoryBanks API (the July 2024 draft's `MemoryBank` and `MemoryBankDocument`
 * from `agentic_system_types.py`, the routes of `api_definitions.py`), plus `POST /memory_bank/query`
 * from later Llama Stack versions.
 */

/** Document ids may be URLs or paths: they get twice the usual length. */
const DocumentUuid = identifier('must be a non-empty document id', { maxLength: 256 });

export const MemoryBankDocument = z
  .object({
    uuid: DocumentUuid,
    content: z
      .string()
      .describe(
        'The document: its text, or a URL to it (data:, http(s)://, file://). The draft types this as base64 ' +
          'bytes; here a string that the memory provider interprets (a URL is fetched or decoded by the provider).',
      ),
    metadata: JsonObject.default({}).describe('Free-form metadata, kept with every chunk of the document.'),
    mime_type: z
      .string({ error: 'required: the MIME type of the content, such as text/plain' })
      .min(1, 'must be a MIME type such as text/plain'),
  })
  .meta({ id: 'MemoryBankDocument', description: 'A document stored in a memory bank.' });
export type MemoryBankDocument = z.infer<typeof MemoryBankDocument>;
export type MemoryBankDocumentInput = z.input<typeof MemoryBankDocument>;

const settingDescriptions = {
  embedding_model:
    'The registered embedding model that indexes the bank. An extension; defaults to the provider config.',
  chunk_size_in_tokens:
    'Size of the chunks documents are split into. An extension; defaults to the provider config.',
  overlap_size_in_tokens:
    'Tokens shared by consecutive chunks. An extension; defaults to the provider config.',
};

/** Settings a bank is created with: extensions of the draft, each optional (the provider picks). */
const memoryBankSettings = {
  embedding_model: z.string().min(1).optional().describe(settingDescriptions.embedding_model),
  chunk_size_in_tokens: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(settingDescriptions.chunk_size_in_tokens),
  overlap_size_in_tokens: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(settingDescriptions.overlap_size_in_tokens),
};

/** The same settings as query parameters, which arrive as strings. */
const memoryBankSettingsQuery = {
  embedding_model: memoryBankSettings.embedding_model,
  chunk_size_in_tokens: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe(settingDescriptions.chunk_size_in_tokens),
  overlap_size_in_tokens: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(settingDescriptions.overlap_size_in_tokens),
};

export const MemoryBank = z
  .object({
    uuid: z.string(),
    name: z.string(),
    ...memoryBankSettings,
  })
  .meta({ id: 'MemoryBank' });
export type MemoryBank = z.infer<typeof MemoryBank>;

export const ListMemoryBanksResponse = z.array(MemoryBank).meta({ id: 'ListMemoryBanksResponse' });
export type ListMemoryBanksResponse = z.infer<typeof ListMemoryBanksResponse>;

const BankUuid = identifier('must name a memory bank (its bank_uuid)');
const DocumentUuids = z.array(DocumentUuid);

/** `POST /memory_banks/create?bank_uuid&bank_name`: the query part. */
export const CreateMemoryBankQuery = z
  .object({
    bank_uuid: BankUuid,
    bank_name: z.string().min(1, 'must be a non-empty bank name'),
    ...memoryBankSettingsQuery,
  })
  .refine(
    (query) =>
      query.chunk_size_in_tokens === undefined ||
      query.overlap_size_in_tokens === undefined ||
      query.overlap_size_in_tokens < query.chunk_size_in_tokens,
    { path: ['overlap_size_in_tokens'], message: 'must be smaller than chunk_size_in_tokens' },
  );

/** The body of `POST /memory_banks/create`: the documents the bank starts with; may be left out. */
export const CreateMemoryBankDocuments = z.array(MemoryBankDocument).default([]);

/** What `createMemoryBank` receives: the query merged with the body (the documents to start with). */
export const CreateMemoryBankRequest = z.object({
  ...CreateMemoryBankQuery.shape,
  documents: CreateMemoryBankDocuments,
});
export type CreateMemoryBankRequest = z.infer<typeof CreateMemoryBankRequest>;

export const DropMemoryBankRequest = z.object({ bank_uuid: BankUuid });
export type DropMemoryBankRequest = z.infer<typeof DropMemoryBankRequest>;

/** The query part of the routes under `/memory_bank/`, whose body is a bare array. */
export const MemoryBankQuery = z.object({ bank_uuid: BankUuid });

export const InsertDocumentsRequest = z.object({
  bank_uuid: BankUuid,
  documents: z.array(MemoryBankDocument),
});
export type InsertDocumentsRequest = z.infer<typeof InsertDocumentsRequest>;

export const UpdateDocumentsRequest = InsertDocumentsRequest;
export type UpdateDocumentsRequest = z.infer<typeof UpdateDocumentsRequest>;

export const GetDocumentsRequest = z.object({ bank_uuid: BankUuid, document_uuids: DocumentUuids });
export type GetDocumentsRequest = z.infer<typeof GetDocumentsRequest>;

export const DeleteDocumentsRequest = GetDocumentsRequest;
export type DeleteDocumentsRequest = z.infer<typeof DeleteDocumentsRequest>;

export const MemoryBankDocuments = z.array(MemoryBankDocument).meta({ id: 'MemoryBankDocuments' });
export const DocumentUuidList = DocumentUuids.meta({ id: 'DocumentUuidList' });

export const MemoryQueryMode = z.enum(['vector', 'keyword', 'hybrid']).meta({ id: 'MemoryQueryMode' });
export type MemoryQueryMode = z.infer<typeof MemoryQueryMode>;

export const MemoryQueryParams = z
  .object({
    max_chunks: z.number().int().positive().default(10).describe('Most chunks to return. Default 10.'),
    mode: MemoryQueryMode.default('vector').describe(
      'vector: embedding similarity; keyword: full-text search; hybrid: both, fused. Default vector.',
    ),
    score_threshold: z.number().optional().describe('Chunks scoring below this are left out.'),
    filters: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe('Only chunks whose document metadata equals each of these values.'),
  })
  .meta({ id: 'MemoryQueryParams' });
export type MemoryQueryParams = z.infer<typeof MemoryQueryParams>;

export const QueryDocumentsRequest = z
  .object({
    bank_uuid: BankUuid,
    query: Content.describe('What to search for: text, or text interleaved with attachments.'),
    params: MemoryQueryParams.prefault({}),
  })
  .meta({ id: 'QueryDocumentsRequest' });
export type QueryDocumentsRequest = z.infer<typeof QueryDocumentsRequest>;
export type QueryDocumentsRequestInput = z.input<typeof QueryDocumentsRequest>;

export const MemoryChunk = z
  .object({
    content: Content,
    document_id: z.string().describe('The uuid of the document the chunk comes from.'),
    token_count: z.number().int().nonnegative(),
    metadata: JsonObject.default({}).describe("The document's metadata."),
  })
  .meta({ id: 'MemoryChunk', description: 'A piece of a document, as retrieved by a query.' });
export type MemoryChunk = z.infer<typeof MemoryChunk>;

export const QueryDocumentsResponse = z
  .object({
    chunks: z.array(MemoryChunk),
    scores: z.array(z.number()).describe('One score per chunk, in the same order; higher is more relevant.'),
  })
  .refine((response) => response.scores.length === response.chunks.length, {
    path: ['scores'],
    message: 'must hold one score per chunk',
  })
  .meta({ id: 'QueryDocumentsResponse' });
export type QueryDocumentsResponse = z.infer<typeof QueryDocumentsResponse>;
