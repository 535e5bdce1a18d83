// Registry authentication (distribution's token auth): parse WWW-Authenticate challenges, answer
// Basic ones with credentials, and fetch, cache and refresh Bearer tokens per (realm, service, scope).
import type { Credentials } from './credentials';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://a/token",service="reg",scope="repository:x:pull"` (and Basic). */
export function parseChallenges(header: string | null): Challenge[] {
  if (!header) return [];
  const out: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skip = (chars: RegExp) => {
    while (i < n && chars.test(header[i])) i++;
  };
  const token = () => {
    const start = i;
    while (i < n && /[A-Za-z0-9._~+/!#$%&'*^`|-]/.test(header[i])) i++;
    return header.slice(start, i);
  };
  while (i < n) {
    skip(/[\s,]/);
    const scheme = token();
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    for (;;) {
      skip(/[\s,]/);
      const save = i;
      const key = token();
      skip(/\s/);
      if (!key || header[i] !== '=') {
        i = save; // the next scheme starts here
        break;
      }
      i++;
      skip(/\s/);
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i++];
        }
        i++;
      } else {
        const start = i;
        while (i < n && header[i] !== ',' && !/\s/.test(header[i])) i++;
        value = header.slice(start, i);
      }
      challenge.params[key.toLowerCase()] = value;
    }
  }
  return out;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class AuthError extends Error {
  override name = 'AuthError';
}

/** The part of an HTTP client the token flow needs (see http.ts). */
export type Fetch = (
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{
  status: number;
  ok: boolean;
  statusText: string;
  json(): Promise<unknown>;
  discard(): Promise<void>;
}>;

/**
 * Remembers each registry's challenge and the tokens obtained for it. `authorize` returns the
 * Authorization header for a request needing `scopes`, fetching a token when needed.
 */
export class AuthSession {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  /** Token requests in flight, so concurrent requests for one scope share one token. */
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly credentials: () => Credentials | undefined,
    private readonly fetchFn: Fetch,
    private readonly describe: string,
  ) {}

  /** Records the challenge of a 401 response; returns false when it offers nothing usable. */
  setChallenge(header: string | null): boolean {
    const challenges = parseChallenges(header);
    const chosen =
      challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (!chosen) return false;
    this.challenge = chosen;
    return true;
  }

  get scheme(): string | undefined {
    return this.challenge?.scheme;
  }

  /** Forgets a token the registry refused, so the next authorize fetches a new one. */
  invalidate(scopes: string[]): void {
    this.tokens.delete(this.tokenKey(scopes));
  }

  async authorize(scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const creds = this.credentials();
    if (challenge.scheme === 'basic') {
      if (!creds)
        throw new AuthError(
          `${this.describe} requires a login (HTTP Basic); run \`berth login ${this.describe}\``,
        );
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    const key = this.tokenKey(scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    let request = this.pending.get(key);
    if (!request) {
      request = this.fetchToken(challenge, scopes, creds).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    const token = await request;
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  private tokenKey(scopes: string[]): string {
    return [...scopes].sort().join(' ');
  }

  private async fetchToken(
    challenge: Challenge,
    scopes: string[],
    creds: Credentials | undefined,
  ): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw new AuthError(`${this.describe} sent a Bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new AuthError(`${this.describe} sent an invalid token realm ${JSON.stringify(realm)}`);
    }
    const service = challenge.params.service;
    let response: Awaited<ReturnType<Fetch>>;
    if (creds?.identityToken) {
      // OAuth2 refresh-token grant, as docker does for identity tokens.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.identityToken,
        client_id: 'berth',
      });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      response = await this.fetchFn(url.toString(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      const headers: Record<string, string> = {};
      if (creds)
        headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      response = await this.fetchFn(url.toString(), { method: 'GET', headers });
    }
    if (response.status === 401 || response.status === 403) {
      await response.discard();
      throw new AuthError(
        creds
          ? `${this.describe}: the token server at ${url.origin} refused the credentials (${response.status}); check them with \`berth login ${this.describe}\``
          : `${this.describe}: access denied (${response.status}); the repository may not exist or may require \`berth login ${this.describe}\``,
      );
    }
    if (!response.ok) {
      await response.discard();
      throw new AuthError(
        `${this.describe}: the token server at ${url.origin} answered ${response.status} ${response.statusText}`,
      );
    }
    const json = (await response.json()) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
      issued_at?: string;
    };
    const token = json.token ?? json.access_token;
    if (!token) throw new AuthError(`${this.describe}: the token server answered without a token`);
    // Tokens live 60 s unless told otherwise; refresh 10 s early.
    const lifetime = Math.max(typeof json.expires_in === 'number' ? json.expires_in : 60, 20) - 10;
    const issued = json.issued_at ? Date.parse(json.issued_at) : NaN;
    const base = Number.isFinite(issued) && issued <= Date.now() ? issued : Date.now();
    return { token, expiresAt: base + lifetime * 1000 };
  }
}
