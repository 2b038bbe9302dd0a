import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMemoryBankRequest, type MemoryQueryMode, QueryDocumentsRequest } from '@llama-stack-ts/core';
import { describeWithModels } from '@llama-stack-ts/provider-utils/test';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LanceDbMemoryBanks } from '../src/lancedb-memory-banks.js';
import { Model2vecTestEmbedder } from './support/model2vec-test-embedder.js';
import { startMemoryBanks } from './support/start-memory-banks.js';
import { model2vecFiles } from './support/test-models.js';

/**
 * A small corpus of passages, each with a question a user would ask about it. The questions
 * paraphrase: some share words with their passage, some share almost none, so keyword and vector
 * search each miss some that the other finds.
 */
const pairs: { id: string; passage: string; question: string }[] = [
  {
    id: 'password-reset',
    passage:
      'To reset your password, open the sign-in page and choose "Forgot password". We email a link that stays valid for one hour.',
    question: 'I forgot my login credentials, how do I get back into my account?',
  },
  {
    id: 'refund-window',
    passage:
      'Refunds are granted for purchases returned within 30 days. The money is credited to the original card.',
    question: 'How long do I have to return an item and get my money back?',
  },
  {
    id: 'shipping-time',
    passage:
      'Standard delivery takes three to five business days. Express shipping arrives the next working day.',
    question: 'How many days does delivery of a parcel take?',
  },
  {
    id: 'battery-care',
    passage:
      'Keep the laptop battery between 20 and 80 percent charge to extend its lifespan. Avoid leaving it in hot cars.',
    question: 'What should I do so my notebook battery lasts longer?',
  },
  {
    id: 'guitar-strings',
    passage: 'Change the strings of your acoustic guitar every three months, or sooner if you play daily.',
    question: 'How often should a guitar player replace the strings on the instrument?',
  },
  {
    id: 'sourdough',
    passage:
      'Feed the sourdough starter with equal weights of flour and water every day and keep it at room temperature.',
    question: 'How do I keep my bread starter alive?',
  },
  {
    id: 'tax-deadline',
    passage:
      'Annual income tax returns must be filed by the 30th of April. Late filing incurs a penalty of 5 percent.',
    question: 'When is the deadline to file taxes on my yearly income?',
  },
  {
    id: 'vaccination',
    passage:
      'Adults should get a tetanus booster shot every ten years. Clinics offer it without an appointment.',
    question: 'How often do grown-ups need a tetanus vaccine?',
  },
  {
    id: 'train-platform',
    passage:
      'The night train to Vienna departs from platform nine at 22:40. Sleeper cabins must be booked in advance.',
    question: 'Which platform does the overnight train to Vienna leave from?',
  },
  {
    id: 'houseplant-water',
    passage: 'Water succulents only when the soil is completely dry, roughly every two weeks in summer.',
    question: 'How frequently should I water my cactus and other succulent plants?',
  },
  {
    id: 'database-backup',
    passage:
      'The database is backed up every night at 2 AM. Backups are kept for 30 days in a separate region.',
    question: 'How long are nightly database backups retained?',
  },
  {
    id: 'stock-market',
    passage:
      'Stock markets fell sharply on Monday after the central bank raised interest rates by half a point.',
    question: 'Why did share prices drop at the start of the week?',
  },
  {
    id: 'marathon-training',
    passage:
      'A beginner marathon plan builds weekly mileage slowly over sixteen weeks, with one long run every weekend.',
    question: 'How should a novice runner prepare for a 42 km race?',
  },
  {
    id: 'coffee-brewing',
    passage: 'For pour-over coffee use water just off the boil, about 94 degrees, and a medium-fine grind.',
    question: 'What water temperature is best when brewing coffee by hand?',
  },
  // Passages with identifiers and near neighbours: what keyword search is for, and what a small
  // static embedding model confuses.
  {
    id: 'error-e42',
    passage:
      'Error E42 on the XR-200 printer means the paper tray sensor is dirty. Wipe it with a dry cloth.',
    question: 'My XR-200 shows E42, what does it mean?',
  },
  {
    id: 'error-e17',
    passage:
      'Error E17 on the XR-200 printer means the ink cartridge is not seated. Push it in until it clicks.',
    question: 'What should I do about code E17 on the printer?',
  },
  {
    id: 'phone-battery',
    passage:
      'The Nova 5 phone battery is rated for 800 full charge cycles before capacity drops below 80 percent.',
    question: 'How many charge cycles does the Nova 5 battery survive?',
  },
  {
    id: 'api-rate-limit',
    passage:
      'The public API allows 600 requests per minute per key. Exceeding it returns HTTP 429 with a Retry-After header.',
    question: 'What happens when my client sends too many requests to the API?',
  },
  {
    id: 'vpn-setup',
    passage:
      'Install the WireGuard client, import the office.conf profile from the intranet and toggle the tunnel on.',
    question: 'How do I connect to the office network from home with WireGuard?',
  },
  {
    id: 'train-bike',
    passage:
      'Bicycles travel free on regional trains outside rush hour; on the night train to Vienna a bike ticket costs 12 euros.',
    question: 'Can I take my bicycle on a regional train?',
  },
  {
    id: 'dog-vaccination',
    passage:
      'Puppies receive their rabies vaccination at twelve weeks; the booster follows one year later at the vet.',
    question: 'When does a young dog get the rabies shot?',
  },
  {
    id: 'parental-leave',
    passage:
      'Employees may take up to 16 weeks of paid parental leave within the first year after a birth or adoption.',
    question: 'How much paid leave do new parents get?',
  },
  {
    id: 'kubernetes-oom',
    passage:
      'A pod killed with reason OOMKilled exceeded its memory limit; raise resources.limits.memory in the deployment.',
    question: 'My Kubernetes pod keeps getting OOMKilled, how do I fix it?',
  },
  {
    id: 'invoice-vat',
    passage:
      'Invoices to business customers in the EU show the VAT number of both parties and apply the reverse charge.',
    question: 'Which VAT details must appear on invoices to EU companies?',
  },
];

describeWithModels('retrieval quality on the model2vec test model', model2vecFiles, () => {
  let dataDir: string;
  let banks: LanceDbMemoryBanks;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lancedb-quality-'));
    banks = await startMemoryBanks({ dataDir, embedder: await Model2vecTestEmbedder.load() });
    await banks.createMemoryBank(
      CreateMemoryBankRequest.parse({
        bank_uuid: 'corpus',
        bank_name: 'Question to passage corpus',
        embedding_model: Model2vecTestEmbedder.modelId,
        chunk_size_in_tokens: 128,
        overlap_size_in_tokens: 16,
        documents: pairs.map(({ id, passage }) => ({ uuid: id, content: passage, mime_type: 'text/plain' })),
      }),
    );
  });

  afterAll(async () => {
    await banks.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  const hitRate = async (mode: MemoryQueryMode, k: number) => {
    let hits = 0;
    for (const { id, question } of pairs) {
      const response = await banks.queryDocuments(
        QueryDocumentsRequest.parse({
          bank_uuid: 'corpus',
          query: question,
          params: { mode, max_chunks: k },
        }),
      );
      if (response.chunks.some((chunk) => chunk.document_id === id)) hits += 1;
    }
    return hits / pairs.length;
  };

  it('finds the passage of most questions in the top 3, and hybrid does no worse than vector', async () => {
    const rates = {
      vector: await hitRate('vector', 3),
      keyword: await hitRate('keyword', 3),
      hybrid: await hitRate('hybrid', 3),
    };
    const firstRates = {
      vector: await hitRate('vector', 1),
      keyword: await hitRate('keyword', 1),
      hybrid: await hitRate('hybrid', 1),
    };
    console.info(`hit rates over ${pairs.length} questions: top-3`, rates, 'top-1', firstRates);
    expect(rates.hybrid).toBeGreaterThanOrEqual(rates.vector);
    // Ranks fused over the lists, not a pick of the first: hybrid adds what each list alone misses.
    expect(rates.hybrid).toBeGreaterThanOrEqual(rates.keyword);
    expect(firstRates.hybrid).toBeGreaterThanOrEqual(firstRates.vector);
    expect(rates.hybrid).toBeGreaterThanOrEqual(0.85);
    expect(rates.vector).toBeGreaterThanOrEqual(0.7);
    expect(rates.keyword).toBeGreaterThanOrEqual(0.7);
  });
});
