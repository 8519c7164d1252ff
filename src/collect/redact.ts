// Secrets are removed by value from every message this module family writes (logs, errors, reports): refresh
// tokens, access tokens and the client secret are registered as they are read or received, and any string that
// leaves the process passes through redact() first. Pino's redaction works on key paths only; this works on text.

const secrets = new Set<string>();

/** Remembers a value that must never be written anywhere. Short values are not secrets worth matching. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  // Anything shaped like a bearer token or a form field holding one, even if it was never registered.
  return out
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, '$1[redacted]')
    .replace(
      /((?:refresh_token|access_token|client_secret|device_code|id_token)["=:\s]+"?)[^"&\s,}]{8,}/g,
      '$1[redacted]',
    );
}

/** For tests: forget every registered value. */
export function clearSecrets(): void {
  secrets.clear();
}
