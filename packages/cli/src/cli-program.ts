// biome-ignore-all lint/suspicious/noTemplateCurlyInString: help text spells ${env.NAME} literally.
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import type { BatchStatusOptions, BatchSubmitOptions } from './commands/batch-command.js';
import {
  collectEnvOption,
  parseNumberOption,
  parsePortOption,
  parsePositiveInteger,
} from './option-parsers.js';

// Only commander is loaded up front: each command imports what it needs (core, the server, the
// providers) when it runs, so `--help` and the list commands answer at once.

export interface RunOptions {
  port?: number;
  host?: string;
  env?: Record<string, string>;
  /** False with `--no-worker`. */
  worker?: boolean;
}

export interface WorkerOptions {
  env?: Record<string, string>;
}

export interface ValidateOptions {
  env?: Record<string, string>;
}

const envHelp =
  'set a variable the manifest reads as ${env.KEY} (repeatable); it is also exported to the providers';

/** The `llama-stack-ts` command line, ready to `parseAsync`. */
export function createProgram(): Command {
  const program = new Command('llama-stack-ts')
    .description(
      'Run the Llama Stack APIs (inference, agents, memory banks, safety, ...) from a distribution: a ' +
        'distribution.yaml that picks a provider for each API, the models to serve, and the server settings.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `
Examples:
  $ llama-stack-ts list-distributions          what you can run
  $ llama-stack-ts run local                   serve distributions/local on http://127.0.0.1:8321
  $ llama-stack-ts run local --port 9000 --env LLAMA_CPP_MODEL=./models/tiny.gguf
  $ llama-stack-ts worker local                more workers for the job queues of distributions/local
  $ llama-stack-ts validate ./my-distribution.yaml
  $ llama-stack-ts models download hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M
  $ curl http://127.0.0.1:8321/health

Environment:
  LLAMA_STACK_TS_HOME   where distributions keep their state (default ~/.llama-stack-ts)
  REDIS_URL             the Redis of the job queues, where a distribution reads it (local does;
                        default redis://127.0.0.1:6379)`,
    );

  program
    .command('run')
    .summary('serve a distribution over HTTP')
    .description(
      'Start a distribution as an HTTP server and keep it running until Ctrl-C (SIGINT) or SIGTERM, ' +
        'which close the server and shut every provider down cleanly. When the manifest has a jobs: section, ' +
        'the workers of its job queues run in this process too (--no-worker leaves them to `llama-stack-ts worker`).\n\n' +
        'DISTRIBUTION is a name (distributions/<name>/ of this repository, or an installed ' +
        '@llama-stack-ts/distribution-<name> package) or a path to a distribution.yaml.',
    )
    .argument('<distribution>', 'distribution name or path to a distribution.yaml')
    .option(
      '-p, --port <port>',
      'TCP port to listen on (default: server.port of the manifest, 8321)',
      parsePortOption,
    )
    .option('--host <host>', 'interface to listen on (default: server.host of the manifest, 127.0.0.1)')
    .option('-e, --env <KEY=VALUE>', envHelp, collectEnvOption)
    .option(
      '--no-worker',
      "do not run the job queues' workers in this process (run `llama-stack-ts worker` instead)",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ llama-stack-ts run local
  $ llama-stack-ts run local --no-worker       serve only; workers run in \`llama-stack-ts worker local\`
  $ llama-stack-ts run ./distributions/local/distribution.yaml --host 0.0.0.0 --port 8321
  $ llama-stack-ts run local --env LLAMA_CPP_MODEL=/models/llama-3.2-1b-q4.gguf`,
    )
    .action(async (distribution: string, options: RunOptions) => {
      const { runCommand } = await import('./commands/run-command.js');
      await runCommand(distribution, options);
    });

  program
    .command('worker')
    .summary("run a distribution's job workers, without a server")
    .description(
      'Start the providers of a distribution from the same manifest as `run` and work on the job queues they ' +
        'declare (batch inference, ...), with no HTTP server: start as many as the work needs, on any machine ' +
        'that reaches the same Redis (jobs.redis_url). Ctrl-C (SIGINT) or SIGTERM stops taking jobs, lets running ' +
        'ones finish within server.shutdown_timeout_ms, hands the rest back to the queue, and exits.\n\n' +
        'DISTRIBUTION is a name or a path to a distribution.yaml, as for `run`; its manifest needs a jobs: section.',
    )
    .argument('<distribution>', 'distribution name or path to a distribution.yaml')
    .option('-e, --env <KEY=VALUE>', envHelp, collectEnvOption)
    .addHelpText(
      'after',
      `
Examples:
  $ llama-stack-ts worker local
  $ llama-stack-ts worker local --env REDIS_URL=redis://queue-host:6379`,
    )
    .action(async (distribution: string, options: WorkerOptions) => {
      const { workerCommand } = await import('./commands/worker-command.js');
      await workerCommand(distribution, options);
    });

  program
    .command('validate')
    .summary('check a distribution without starting it')
    .description(
      'Read a distribution.yaml, substitute its ${env.…} variables, and check everything a start would: ' +
        'the schema, each provider found and its config valid, API dependencies, models, shields and banks. ' +
        'Every problem is listed with its YAML path. Nothing is started.',
    )
    .argument('<distribution>', 'distribution name or path to a distribution.yaml')
    .option('-e, --env <KEY=VALUE>', envHelp, collectEnvOption)
    .action(async (distribution: string, options: ValidateOptions) => {
      const { validateCommand } = await import('./commands/validate-command.js');
      await validateCommand(distribution, options);
    });

  program
    .command('list-distributions')
    .summary('list the distributions you can run')
    .description('List the distributions found in this repository (distributions/*) and installed packages.')
    .action(async () => {
      const { listDistributionsCommand } = await import('./commands/list-distributions-command.js');
      listDistributionsCommand();
    });

  program
    .command('list-apis')
    .summary('list the APIs a distribution can serve')
    .description('List the APIs (the keys under providers: in a distribution.yaml) and their routes.')
    .option('--routes', 'also list each route (method, path, operation)')
    .action(async (options: { routes?: boolean }) => {
      const { listApisCommand } = await import('./commands/list-apis-command.js');
      await listApisCommand(options);
    });

  program
    .command('list-providers')
    .summary('list the provider types, optionally of one API')
    .description(
      'List the provider types a distribution.yaml can name in provider_type, the package providing each, ' +
        'and whether it is installed here. Providers published elsewhere are used with `module: <package>`.',
    )
    .argument('[api]', 'only the providers of this API (see list-apis)')
    .action(async (api: string | undefined) => {
      const { listProvidersCommand } = await import('./commands/list-providers-command.js');
      await listProvidersCommand(api);
    });

  const batch = program
    .command('batch')
    .summary('submit batch inference jobs to a running server and watch them')
    .description(
      "Talk to a running server's batch inference API (the seed's /batch_inference/submit_job and job_status): " +
        'submit a JSONL file of prompts (one JSON array of messages per line) and wait for the job with a ' +
        'progress bar on stderr, or look a job up. The job is printed as JSON on stdout; the exit code is 1 when ' +
        'it failed.',
    )
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `
Examples:
  $ llama-stack-ts batch submit prompts.jsonl --model llama3.2-1b-instruct --max-tokens 64
  $ llama-stack-ts batch status 0b9c7d2e-... --wait`,
    );
  const urlHelp = 'the server (default: $LLAMA_STACK_TS_URL, else http://127.0.0.1:8321)';
  const apiKeyHelp = "the server's auth key (default: $LLAMA_STACK_TS_AUTH_KEY)";
  const serverUrl = process.env.LLAMA_STACK_TS_URL ?? 'http://127.0.0.1:8321';
  const serverApiKey = process.env.LLAMA_STACK_TS_AUTH_KEY || undefined;

  batch
    .command('submit')
    .summary('submit a JSONL file of prompts and wait for the results')
    .description(
      'Submit a batch job over PROMPT_FILE, a JSONL file the server reads (its path is resolved against the ' +
        'current folder, so the server must see the same path), then wait with a progress bar unless --no-wait. ' +
        "The printed job's success_file_path holds one { line, generations } per prompt.",
    )
    .argument('<prompt-file>', 'a JSONL file: each line a JSON array of messages')
    .requiredOption('--model <id>', 'a registered model id')
    .option('--num-generations <n>', 'generations per prompt (default 1)', parsePositiveInteger)
    .option('--max-tokens <n>', 'tokens per generation at most', parsePositiveInteger)
    .option('--temperature <t>', 'sampling temperature, 0 to 2', parseNumberOption)
    .option('--no-wait', 'print the submitted job and return at once')
    .option('--url <url>', urlHelp, serverUrl)
    .option('--api-key <key>', apiKeyHelp, serverApiKey)
    .action(async (promptFile: string, options: BatchSubmitOptions) => {
      const { batchSubmitCommand } = await import('./commands/batch-command.js');
      await batchSubmitCommand(promptFile, options);
    });

  batch
    .command('status')
    .summary("print a batch job's status")
    .argument('<job-id>', 'the job_id `batch submit` printed')
    .option('--wait', 'wait for the job to end, with a progress bar on stderr')
    .option('--url <url>', urlHelp, serverUrl)
    .option('--api-key <key>', apiKeyHelp, serverApiKey)
    .action(async (jobId: string, options: BatchStatusOptions) => {
      const { batchStatusCommand } = await import('./commands/batch-command.js');
      await batchStatusCommand(jobId, options);
    });

  const models = program
    .command('models')
    .summary('download, list and remove GGUF models in the model cache')
    .description(
      'Manage the model cache: the folder where inline::llama-cpp keeps the GGUF files of hf: models ' +
        '(provider_model_id: hf:<owner>/<repo>/<file>.gguf). A model downloaded here ahead of time is used at ' +
        'once by `run`, without a download at start-up.\n\n' +
        'The cache is --dir, else $LLAMA_STACK_TS_MODEL_CACHE, else $LLAMA_STACK_TS_HOME/models, else ' +
        '~/.llama-stack-ts/models.',
    )
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `
Examples:
  $ llama-stack-ts models download hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M
  $ llama-stack-ts models list
  $ llama-stack-ts models remove hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M`,
    );
  const dirHelp =
    'the model cache folder (default: $LLAMA_STACK_TS_MODEL_CACHE, else ~/.llama-stack-ts/models)';

  models
    .command('download')
    .summary('download a GGUF model into the cache')
    .description(
      'Download one GGUF file into the model cache, with a progress bar on stderr, and print its path on stdout. ' +
        'An interrupted download (Ctrl-C, a dropped connection) is kept as <file>.partial and resumed by the same ' +
        "command. The file is checked against --sha256, or the hub's published SHA-256, before it takes its name; " +
        'a file that does not match is deleted. A file already in the cache is not downloaded again.',
    )
    .argument('<source>', 'hf:<owner>/<repo>/<file>.gguf, hf:<owner>/<repo>:<quant> or https://…/<file>.gguf')
    .option('--dir <folder>', dirHelp)
    .option('--sha256 <hex>', "the file's expected SHA-256 (default: the hub's, when it publishes one)")
    .addHelpText(
      'after',
      `
Sources:
  hf:<owner>/<repo>/<file>.gguf   a file of a Hugging Face hub repository (@<revision> may follow <repo>)
  hf:<owner>/<repo>:<quant>       the repository's GGUF file whose name carries <quant>, e.g. Q4_K_M
  https://…/<file>.gguf           any URL; a hub URL …/<owner>/<repo>/resolve/<revision>/<file> is saved
                                  where its hf: form goes, other files as <cache>/<file>.gguf

Environment:
  HF_ENDPOINT   the hub (or a mirror) hf: files come from (default https://huggingface.co)
  HF_TOKEN      sent to the hub for gated or private models

Examples:
  $ llama-stack-ts models download hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf
  $ llama-stack-ts models download hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M --dir ./models
  $ llama-stack-ts run local --env LLAMA_STACK_TS_MODEL=hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M`,
    )
    .action(async (source: string, options: { dir?: string; sha256?: string }) => {
      const { modelsDownloadCommand } = await import('./commands/models-download-command.js');
      await modelsDownloadCommand(source, options);
    });

  models
    .command('list')
    .summary('list the GGUF models in the cache')
    .description(
      'List the GGUF files in the model cache: size, architecture, the context length the model was trained with, ' +
        'and whether it carries a chat template (without one, inline::llama-cpp picks a chat format from the ' +
        'architecture). Only the file headers are read; no model is loaded. Unfinished downloads are listed after.',
    )
    .option('--dir <folder>', dirHelp)
    .option('--json', 'print JSON ({ dir, models, unfinished }) instead of a table')
    .action(async (options: { dir?: string; json?: boolean }) => {
      const { modelsListCommand } = await import('./commands/models-list-command.js');
      await modelsListCommand(options);
    });

  models
    .command('remove')
    .summary('delete a model from the cache')
    .description(
      'Delete a model file from the model cache, with what an interrupted download left beside it ' +
        '(<file>.partial, <file>.lock). MODEL is the hf: reference or URL it was downloaded from, or the FILE ' +
        'column of `models list`.',
    )
    .argument(
      '<model>',
      'hf:<owner>/<repo>/<file>.gguf, hf:<owner>/<repo>:<quant>, a URL, or a file as `models list` shows it',
    )
    .option('--dir <folder>', dirHelp)
    .action(async (model: string, options: { dir?: string }) => {
      const { modelsRemoveCommand } = await import('./commands/models-remove-command.js');
      await modelsRemoveCommand(model, options);
    });

  return program;
}

/** Runs the CLI on `argv` (as `process.argv`); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram().exitOverride();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    // Manifest problems and provider start failures carry messages written for the user.
    const name = (error as Error | undefined)?.name;
    if (name === 'ManifestError' || name === 'ProviderStartError') {
      process.stderr.write(`${(error as Error).message}\n`);
      return name === 'ManifestError' ? 2 : 1;
    }
    process.stderr.write(`llama-stack-ts: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
