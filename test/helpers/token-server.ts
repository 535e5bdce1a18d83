// A small registry token server (distribution's token auth) for tests of the Bearer flow: issues
// RS256 JWTs signed with a throwaway key whose self-signed certificate (made with openssl) the test
// registry trusts. Records every request so tests can check scopes and credentials.
import { execFileSync } from 'node:child_process';
import { createSign, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenRequest {
  scopes: string[];
  user: string | undefined;
}

export interface TokenServerOptions {
  /** username → password; requests with other credentials get 401. */
  users: Record<string, string>;
  /** Which actions a user (or undefined = anonymous) gets on a repository. */
  grant: (user: string | undefined, repository: string, requested: string[]) => string[];
  /** Token lifetime in seconds (default 300). */
  expiresIn?: number;
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  requests: TokenRequest[];
  /** The next `n` tokens are issued already expired (the registry will refuse them). */
  issueExpired(n: number): void;
  stop(): Promise<void>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-token-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=berth-test-token',
    ],
    {
      stdio: 'ignore',
    },
  );
  const key = readFileSync(keyFile, 'utf8');
  const certDer = new X509Certificate(readFileSync(certFile)).raw;
  const service = 'berth-test-registry';
  const issuer = 'berth-test-issuer';
  const requests: TokenRequest[] = [];
  let expiredToIssue = 0;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = url.searchParams.getAll('scope');
    let user: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (options.users[name] !== rest.join(':')) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"details":"incorrect username or password"}');
        requests.push({ scopes, user: `${name} (refused)` });
        return;
      }
      user = name;
    }
    requests.push({ scopes, user });
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const granted = options.grant(user, name, actions.split(','));
      return granted.length ? [{ type, name, actions: granted }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = options.expiresIn ?? 300;
    const expired = expiredToIssue > 0;
    if (expired) expiredToIssue--;
    const claims = {
      iss: issuer,
      sub: user ?? '',
      aud: service,
      iat: expired ? now - 3600 : now - 5,
      nbf: expired ? now - 3600 : now - 5,
      exp: expired ? now - 1800 : now + expiresIn,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer.toString('base64')] };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
    const token = `${signingInput}.${base64url(signature)}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, expires_in: expiresIn }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    issueExpired(n) {
      expiredToIssue = n;
    },
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
