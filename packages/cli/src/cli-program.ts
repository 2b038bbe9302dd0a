// biome-ignore-all lint/suspicious/noTemplateCurlyInString: help text spells ${env.NAME} literally.
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { collectEnvOption, parsePortOption } from './parse-env-option.js';

// Only commander is loaded up front: each command imports what it needs (core, the server, the
// providers) when it runs, so `--help` and the list commands answer at once.

export interface RunOptions {
  port?: number;
  host?: string;
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
  $ llama-stack-ts validate ./my-distribution.yaml
  $ curl http://127.0.0.1:8321/health

Environment:
  LLAMA_STACK_TS_HOME   where distributions keep their state (default ~/.llama-stack-ts)`,
    );

  program
    .command('run')
    .summary('serve a distribution over HTTP')
    .description(
      'Start a distribution as an HTTP server and keep it running until Ctrl-C (SIGINT) or SIGTERM, ' +
        'which close the server and shut every provider down cleanly.\n\n' +
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
    .addHelpText(
      'after',
      `
Examples:
  $ llama-stack-ts run local
  $ llama-stack-ts run ./distributions/local/distribution.yaml --host 0.0.0.0 --port 8321
  $ llama-stack-ts run local --env LLAMA_CPP_MODEL=/models/llama-3.2-1b-q4.gguf`,
    )
    .action(async (distribution: string, options: RunOptions) => {
      const { runCommand } = await import('./commands/run-command.js');
      await runCommand(distribution, options);
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
