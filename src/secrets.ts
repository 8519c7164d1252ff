// Secrets redacted by value, wherever they turn up: a log line, an error message, a ledger row, the CLI's output.
// Redaction by key (pino's `redact`) misses a password a server echoes back inside its reply, so every text that
// leaves the process passes through redact() with every secret the process knows.

const CENSOR = '[redacted]';
/** Shorter values would blank out ordinary words. */
const MIN_LENGTH = 6;
const secrets = new Set<string>();
let pattern: RegExp | null = null;

/** Environment variables whose value is a secret: passwords, app secrets, tokens, keys. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms a secret takes on the wire or in a log: as is, JSON-escaped, base64 (SMTP AUTH LOGIN). */
function forms(value: string): string[] {
  return [value, JSON.stringify(value).slice(1, -1), Buffer.from(value).toString('base64')];
}

/** Remembers a secret value (and its encoded forms) so that redact() removes it. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_LENGTH) return;
  let added = false;
  for (const f of forms(value)) {
    if (f.length >= MIN_LENGTH && !secrets.has(f)) {
      secrets.add(f);
      added = true;
    }
  }
  if (added) pattern = null;
}

/** The SMTP AUTH PLAIN token of a login: what a server that echoes the command echoes back. */
export function registerSmtpLogin(user: string | null | undefined, password: string | undefined): void {
  registerSecret(password);
  if (user && password) registerSecret(Buffer.from(`\u0000${user}\u0000${password}`).toString('base64'));
}

/** Every value of an environment variable whose name says it is a secret, plus the names given. */
export function registerSecretsFromEnv(env: NodeJS.ProcessEnv, names: (string | undefined)[] = []): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name)) registerSecret(value);
  for (const n of names) if (n) registerSecret(env[n]);
}

/** The text with every registered secret replaced by "[redacted]". Pure but for the registry. */
export function redact(text: string): string {
  if (secrets.size === 0 || !text) return text;
  // Longest first, so that a secret containing another is removed whole.
  pattern ??= new RegExp(
    [...secrets]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  return text.replace(pattern, CENSOR);
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  pattern = null;
}
