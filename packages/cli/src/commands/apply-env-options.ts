/**
 * `--env KEY=VALUE` values go into `process.env`: the manifest's `${env.KEY}` reads them, and so do
 * providers that read their own variables (API keys), as with Llama Stack's `--env`.
 */
export function applyEnvOptions(env: Readonly<Record<string, string>> = {}): void {
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
}
