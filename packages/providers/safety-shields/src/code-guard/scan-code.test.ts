// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the examples are JavaScript source with template literals.
import { Message } from '@llama-stack-ts/core';
import { describe, expect, it } from 'vitest';
import { codeRules } from './code-rules.js';
import { scanMessages, scanText } from './scan-code.js';

/** [rule, language, insecure line, the safe way to write it]: every rule fires on one and not the other. */
const examples: [rule: string, language: string, positive: string, negative: string][] = [
  [
    'python/shell-command-from-string',
    'python',
    'os.system(f"convert {filename} out.png")',
    'subprocess.run(["convert", filename, "out.png"], check=True)',
  ],
  [
    'python/shell-command-from-string',
    'python',
    'subprocess.call("tar xf " + archive, shell=True)',
    'subprocess.call(["tar", "xf", archive])',
  ],
  [
    'javascript/shell-command-from-string',
    'javascript',
    'execSync(`git clone ${repoUrl}`);',
    "execFileSync('git', ['clone', repoUrl]);",
  ],
  ['shell/command-from-variable', 'shell', 'eval "$USER_COMMAND"', 'printf "%s\\n" "$USER_COMMAND"'],
  [
    'python/sql-from-string',
    'python',
    'cursor.execute(f"SELECT * FROM users WHERE name = \'{name}\'")',
    'cursor.execute("SELECT * FROM users WHERE name = ?", (name,))',
  ],
  [
    'javascript/sql-from-string',
    'javascript',
    'await db.query(`SELECT * FROM users WHERE id = ${req.params.id}`);',
    "await db.query('SELECT * FROM users WHERE id = $1', [req.params.id]);",
  ],
  [
    'sql/dynamic-statement',
    'sql',
    "SET @sql = 'SELECT * FROM orders WHERE customer = ''' + @name + '''';",
    'SELECT * FROM orders WHERE customer = @name;',
  ],
  [
    'shell/sql-from-variable',
    'shell',
    'mysql -e "SELECT * FROM users WHERE name = \'$1\'"',
    'mysql -e "SELECT COUNT(*) FROM users"',
  ],
  [
    'python/eval-of-input',
    'python',
    'result = eval(input("expression: "))',
    'result = ast.literal_eval(text)',
  ],
  [
    'javascript/eval-of-input',
    'javascript',
    'const value = eval(req.body.expression);',
    'const value = JSON.parse(req.body);',
  ],
  [
    'python/tls-verification-disabled',
    'python',
    'requests.get(url, verify=False)',
    'requests.get(url, verify="/etc/ssl/certs/ca.pem")',
  ],
  [
    'javascript/tls-verification-disabled',
    'javascript',
    'https.request({ host, rejectUnauthorized: false });',
    'https.request({ host, ca: readFileSync("ca.pem") });',
  ],
  [
    'shell/tls-verification-disabled',
    'shell',
    'curl -k https://example.com/install.sh',
    'curl --cacert ca.pem https://example.com/install.sh',
  ],
  [
    'python/weak-hash',
    'python',
    'digest = hashlib.md5(password.encode()).hexdigest()',
    'digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)',
  ],
  [
    'javascript/weak-hash',
    'javascript',
    "const hash = crypto.createHash('sha1').update(password).digest('hex');",
    "const hash = crypto.createHash('sha256').update(fileContents).digest('hex');",
  ],
  ['shell/weak-hash', 'shell', 'openssl passwd -1 "$PASSWORD"', 'openssl passwd -6 "$PASSWORD"'],
  [
    'sql/weak-hash',
    'sql',
    "INSERT INTO users (name, password_hash) VALUES ('ann', MD5('password123'));",
    'SELECT MD5(file_contents) FROM uploads;',
  ],
  [
    'any/hard-coded-credential',
    'python',
    'DB_PASSWORD = "hunter2hunter2"',
    'DB_PASSWORD = os.environ["DB_PASSWORD"]',
  ],
  [
    'any/hard-coded-credential',
    'javascript',
    "const apiKey = 'sk-live-1234567890';",
    'const apiKey = process.env.API_KEY;',
  ],
  [
    'any/hard-coded-credential',
    'shell',
    'export API_KEY="sk-live-1234567890"',
    'export API_KEY="$(cat /run/secrets/api_key)"',
  ],
  ['any/hard-coded-credential', 'sql', "CREATE USER app IDENTIFIED BY 'Sup3rSecret';", 'CREATE USER app;'],
];

function fenced(language: string, line: string): string {
  return `Here you go:\n\n\`\`\`${language}\n${line}\n\`\`\`\n`;
}

describe('code rules', () => {
  it.each(examples)(
    '%s fires on insecure %s and not on the safe form',
    (rule, language, positive, negative) => {
      const found = scanText(fenced(language, positive));
      expect(found.map((finding) => finding.rule)).toContain(rule);
      const finding = found.find((candidate) => candidate.rule === rule);
      expect(finding).toMatchObject({ line: 4, messageIndex: 0, source: 'content' });
      expect(['error', 'warning']).toContain(finding?.severity);
      expect(scanText(fenced(language, negative)).map((candidate) => candidate.rule)).toEqual([]);
    },
  );

  it('has a positive and a negative example for every rule', () => {
    const covered = new Set(examples.map(([rule]) => rule));
    expect(codeRules.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
    const credentialLanguages = examples
      .filter(([rule]) => rule === 'any/hard-coded-credential')
      .map(([, l]) => l);
    expect(credentialLanguages.sort()).toEqual(['javascript', 'python', 'shell', 'sql']);
  });

  it("runs only the fence language's rules", () => {
    // `verify=False` is Python's spelling; in a SQL block it is not a TLS finding.
    expect(scanText(fenced('sql', 'requests.get(url, verify=False)'))).toEqual([]);
    expect(scanText(fenced('py', 'requests.get(url, verify=False)'))[0]).toMatchObject({
      rule: 'python/tls-verification-disabled',
      language: 'python',
    });
  });

  it('skips prose beside fences, scans unfenced text with every rule, and numbers lines in the message', () => {
    const text = 'Never call eval(x) on input.\n```python\nimport os\n\nresult = eval(data)\n```';
    expect(scanText(text).map((finding) => [finding.rule, finding.line])).toEqual([
      ['python/eval-of-input', 5],
    ]);
    expect(scanText('rm -rf build && curl --insecure https://x.test | sh')[0]).toMatchObject({
      rule: 'shell/tls-verification-disabled',
      line: 1,
      language: 'shell',
    });
    expect(scanText('The capital of France is Paris.')).toEqual([]);
  });

  it('scans the code of code_interpreter calls as Python', () => {
    const message = Message.parse({
      role: 'assistant',
      content: '',
      tool_calls: [
        {
          tool_name: 'code_interpreter',
          arguments: { code: 'import ssl\nctx = ssl._create_unverified_context()' },
        },
      ],
    });
    expect(scanMessages([Message.parse({ role: 'user', content: 'hi' }), message])).toMatchObject([
      {
        rule: 'python/tls-verification-disabled',
        messageIndex: 1,
        line: 2,
        source: 'tool_call:code_interpreter',
      },
    ]);
  });
});
