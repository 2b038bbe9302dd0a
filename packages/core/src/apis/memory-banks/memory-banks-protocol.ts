import type { RequestOptions } from '../request-options.js';
import type {
  CreateMemoryBankRequest,
  DeleteDocumentsRequest,
  DropMemoryBankRequest,
  GetDocumentsRequest,
  InsertDocumentsRequest,
  ListMemoryBanksResponse,
  MemoryBankDocument,
  QueryDocumentsRequest,
  QueryDocumentsResponse,
  UpdateDocumentsRequest,
} from './memory-banks-schemas.js';

/**
 * Named collections of documents that agents retrieve from. A provider chunks and indexes the
 * documents it is given; how it reads a document's `content` (text, or a URL to fetch) is its own.
 * Unknown bank or document ids throw `NotFoundError`; creating a bank whose uuid exists throws
 * `ConflictError`.
 */
export interface MemoryBanks {
  /** Creates the bank `bank_uuid` and indexes its first documents. */
  createMemoryBank(request: CreateMemoryBankRequest, options?: RequestOptions): Promise<void>;
  /** Every bank, with the settings it was created with. */
  listMemoryBanks(request: Record<string, never>, options?: RequestOptions): Promise<ListMemoryBanksResponse>;
  /** Deletes a bank and its documents; answers with the dropped bank's uuid. */
  dropMemoryBank(request: DropMemoryBankRequest, options?: RequestOptions): Promise<string>;
  /** Adds documents; a document whose uuid is already in the bank throws `ConflictError`. */
  insertDocuments(request: InsertDocumentsRequest, options?: RequestOptions): Promise<void>;
  /** Replaces documents by uuid, re-indexing them; an unknown uuid throws `NotFoundError`. */
  updateDocuments(request: UpdateDocumentsRequest, options?: RequestOptions): Promise<void>;
  /** The documents with these uuids, in the order asked. */
  getDocuments(request: GetDocumentsRequest, options?: RequestOptions): Promise<MemoryBankDocument[]>;
  /** Deletes documents; answers with the uuids that were deleted. */
  deleteDocuments(request: DeleteDocumentsRequest, options?: RequestOptions): Promise<string[]>;
  /** The chunks most relevant to `query`, best first. Experimental: from later Llama Stack. */
  queryDocuments(request: QueryDocumentsRequest, options?: RequestOptions): Promise<QueryDocumentsResponse>;
}
