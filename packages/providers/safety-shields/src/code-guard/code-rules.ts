/** Languages the code scanner has rules for. A fenced block's tag maps onto one of them. */
export type CodeLanguage = 'python' | 'javascript' | 'shell' | 'sql';

export type FindingSeverity = 'error' | 'warning';

export type RuleCategory =
  | 'command-injection'
  | 'sql-injection'
  | 'code-injection'
  | 'tls-verification-disabled'
  | 'weak-hash'
  | 'hard-coded-credential';

export interface CodeRule {
  /** Stable id, `<language>/<what>`, reported in each finding. */
  id: string;
  category: RuleCategory;
  /** The languages whose code the rule reads. */
  languages: readonly CodeLanguage[];
  severity: FindingSeverity;
  /** Matched against each line on its own, so a finding carries its line number. */
  pattern: RegExp;
  /** What is wrong and what to write instead. */
  message: string;
}

const everyLanguage: readonly CodeLanguage[] = ['python', 'javascript', 'shell', 'sql'];

/** A string built at run time: an f-string, `%`/`.format()`/`+` on a literal, or a template literal. */
const pyBuilt = String.raw`(?:f["']|["'][^"']*["']\s*(?:%|\+|\.format\s*\())`;
const jsBuilt = String.raw`(?:\x60[^\x60]*\$\{|["'][^"']*["']\s*\+)`;

/**
 * The rules, per language. Each reads one line; they are heuristics in the spirit of CodeShield's
 * regex layer (insecure-code-detector), tuned so the common safe form of each call does not match.
 */
export const codeRules: readonly CodeRule[] = [
  // --- command built from strings ---------------------------------------------------------
  {
    id: 'python/shell-command-from-string',
    category: 'command-injection',
    languages: ['python'],
    severity: 'error',
    pattern: new RegExp(
      String.raw`\b(?:os\.system|os\.popen|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput))\s*\(\s*${pyBuilt}|subprocess\.\w+\s*\(.*\bshell\s*=\s*True`,
    ),
    message:
      'runs a shell command built from strings; pass an argument list to subprocess.run without shell=True',
  },
  {
    id: 'javascript/shell-command-from-string',
    category: 'command-injection',
    languages: ['javascript'],
    severity: 'error',
    pattern: new RegExp(
      String.raw`\b(?:exec|execSync)\s*\(\s*${jsBuilt}|\bspawn(?:Sync)?\s*\(.*\bshell\s*:\s*true`,
    ),
    message: 'runs a shell command built from strings; use execFile/spawn with an argument array',
  },
  {
    id: 'shell/command-from-variable',
    category: 'command-injection',
    languages: ['shell'],
    severity: 'error',
    pattern: /\b(?:sh|bash|zsh)\s+-c\s+["'][^"']*\$|\beval\s+["']?\$/,
    message:
      'runs a command string that expands variables (eval / sh -c); call the command with quoted arguments',
  },
  // --- SQL built from strings ---------------------------------------------------------------
  {
    id: 'python/sql-from-string',
    category: 'sql-injection',
    languages: ['python'],
    severity: 'error',
    pattern: new RegExp(String.raw`\.(?:execute|executemany|executescript|raw)\s*\(\s*${pyBuilt}`),
    message: 'builds a SQL statement from strings; pass the values as query parameters (?, %s)',
  },
  {
    id: 'javascript/sql-from-string',
    category: 'sql-injection',
    languages: ['javascript'],
    severity: 'error',
    pattern: new RegExp(String.raw`\.(?:query|execute|raw|run|all|get|prepare)\s*\(\s*${jsBuilt}`),
    message: 'builds a SQL statement from strings; use placeholders ($1, ?) and a values array',
  },
  {
    id: 'sql/dynamic-statement',
    category: 'sql-injection',
    languages: ['sql'],
    severity: 'error',
    pattern:
      /\bEXEC(?:UTE)?\s*(?:IMMEDIATE\s+)?\(?\s*(?:@\w+|'[^']*'\s*(?:\+|\|\|))|\bsp_executesql\s+@\w+\s*$|'\s*(?:\+|\|\|)\s*@\w+/i,
    message: 'executes SQL text assembled by concatenation; use sp_executesql / USING with bound parameters',
  },
  {
    id: 'shell/sql-from-variable',
    category: 'sql-injection',
    languages: ['shell'],
    severity: 'error',
    // Double quotes expand variables in shell; single-quoted SQL (no expansion) is safe.
    pattern: /\b(?:mysql|psql|sqlite3)\b.*"[^"]*\b(?:SELECT|INSERT|UPDATE|DELETE)\b[^"]*\$/i,
    message:
      'passes a SQL statement with expanded shell variables to a database client; use psql -v / prepared statements',
  },
  // --- eval / exec of input ---------------------------------------------------------------------
  {
    id: 'python/eval-of-input',
    category: 'code-injection',
    languages: ['python'],
    severity: 'error',
    pattern: /(?<![\w.])(?:eval|exec)\s*\(\s*(?!["'][^"']*["']\s*\))/,
    message: 'evaluates a value that is not a literal; parse it (ast.literal_eval, json.loads) instead',
  },
  {
    id: 'javascript/eval-of-input',
    category: 'code-injection',
    languages: ['javascript'],
    severity: 'error',
    pattern:
      /(?<![\w.])eval\s*\(\s*(?!["'][^"'$]*["']\s*\))|\bnew\s+Function\s*\(|\bvm\.runIn\w*Context\s*\(/,
    message: 'evaluates a value that is not a literal; parse it (JSON.parse) or map it to known functions',
  },
  // --- disabled TLS verification ----------------------------------------------------------
  {
    id: 'python/tls-verification-disabled',
    category: 'tls-verification-disabled',
    languages: ['python'],
    severity: 'error',
    pattern:
      /\bverify\s*=\s*False\b|_create_unverified_context\s*\(|\bCERT_NONE\b|check_hostname\s*=\s*False/,
    message: 'turns off TLS certificate verification; keep it on and point verify= at a CA bundle if needed',
  },
  {
    id: 'javascript/tls-verification-disabled',
    category: 'tls-verification-disabled',
    languages: ['javascript'],
    severity: 'error',
    pattern: /\brejectUnauthorized\s*:\s*false\b|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*["']?0/,
    message: 'turns off TLS certificate verification; keep it on and pass the CA with `ca:` if needed',
  },
  {
    id: 'shell/tls-verification-disabled',
    category: 'tls-verification-disabled',
    languages: ['shell'],
    severity: 'error',
    pattern:
      /\bcurl\b.*\s(?:-k|--insecure)\b|\bwget\b.*--no-check-certificate|GIT_SSL_NO_VERIFY=|sslVerify\s+false/,
    message: 'turns off TLS certificate verification; pass the CA with --cacert instead',
  },
  // --- weak hashes for secrets -----------------------------------------------------------------
  {
    id: 'python/weak-hash',
    category: 'weak-hash',
    languages: ['python'],
    severity: 'warning',
    pattern: /\bhashlib\.(?:md5|sha1)\s*\(|\bhashlib\.new\s*\(\s*["'](?:md5|sha1)["']/i,
    message: 'uses MD5/SHA-1, which are broken for secrets; hash passwords with hashlib.scrypt/argon2/bcrypt',
  },
  {
    id: 'javascript/weak-hash',
    category: 'weak-hash',
    languages: ['javascript'],
    severity: 'warning',
    pattern: /\bcreateHash\s*\(\s*["'](?:md5|sha1)["']/i,
    message: 'uses MD5/SHA-1, which are broken for secrets; use crypto.scrypt or bcrypt for passwords',
  },
  {
    id: 'shell/weak-hash',
    category: 'weak-hash',
    languages: ['shell'],
    severity: 'warning',
    pattern: /\bopenssl\s+passwd\s+-(?:1|crypt)\b|\b(?:md5sum|sha1sum)\b.*(?:pass|secret|token)/i,
    message: 'hashes a secret with MD5/SHA-1/crypt; use openssl passwd -6 or a password hasher',
  },
  {
    id: 'sql/weak-hash',
    category: 'weak-hash',
    languages: ['sql'],
    severity: 'warning',
    pattern: /\b(?:MD5|SHA1|SHA)\s*\(\s*[^)]*(?:pass|secret|token)/i,
    message: 'stores a secret as MD5/SHA-1; hash passwords in the application with a password hasher',
  },
  // --- hard-coded credentials ----------------------------------------------------------------
  {
    id: 'any/hard-coded-credential',
    category: 'hard-coded-credential',
    languages: everyLanguage,
    severity: 'error',
    pattern:
      /\b\w*(?:password|passwd|pwd|secret|api_?key|access_?key|auth_?token|private_?key)\w*["']?\s*(?::=|=|:)\s*["'][^"'\s$]{4,}["']|\bAKIA[0-9A-Z]{16}\b|-----BEGIN (?:RSA |EC |OPENSSH )?PRIVATE KEY-----|\bIDENTIFIED\s+BY\s+'[^']+'/i,
    message: 'hard-codes a credential; read it from the environment or a secret store',
  },
];
