#!/usr/bin/env node
// The `llama-stack-ts` command. An installed package runs its build (`dist/`). A checkout of the
// repository that has not been built runs the TypeScript sources through tsx, with workspace
// packages resolved to their sources too (the `@llama-stack-ts/source` export condition), so
// `pnpm exec llama-stack-ts` works right after `pnpm install`. LLAMA_STACK_TS_FROM_SOURCE=1 forces
// the sources when a stale build is lying around.
import { existsSync } from 'node:fs';

const built = new URL('../dist/index.js', import.meta.url);
const source = new URL('../src/index.ts', import.meta.url);
const fromSource =
  existsSync(source) && (process.env.LLAMA_STACK_TS_FROM_SOURCE === '1' || !existsSync(built));

let entry = built;
if (fromSource) {
  const { register } = await import('node:module');
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered after tsx, so it runs first: every resolution sees the source condition.
  register(
    `data:text/javascript,${encodeURIComponent(
      "export async function resolve(specifier, context, next) { return next(specifier, { ...context, conditions: [...context.conditions, '@llama-stack-ts/source'] }); }",
    )}`,
  );
  entry = source;
}

const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
