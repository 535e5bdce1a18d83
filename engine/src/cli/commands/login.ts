import { flagBool, flagString } from '../args';
import type { Command } from './command';
import { loginDomain } from '../backend';
import { loginOnDaemon } from '../daemon/images';
import { removeCredentials, storeCredentials } from '../../registry/credentials';

export const login: Command = {
  name: 'login',
  usage: 'berth login [OPTIONS] [SERVER]',
  summary: 'Log in to a registry (Docker Hub when no server is given)',
  engine: 'either',
  flags: [
    { name: 'username', short: 'u', type: 'string', description: 'Username', value: 'string' },
    { name: 'password', short: 'p', type: 'string', description: 'Password', value: 'string' },
    { name: 'password-stdin', type: 'boolean', description: 'Take the password from stdin' },
  ],
  args: [0, 1],
  async run(ctx, args) {
    const server = args.positional[0];
    const username = flagString(args, 'username') ?? (await ask(ctx, 'Username: '));
    let password = flagString(args, 'password');
    if (flagBool(args, 'password-stdin')) {
      if (password !== undefined) throw new Error('--password and --password-stdin are mutually exclusive');
      password = (await readAll(ctx.stdin)).replace(/\r?\n$/, '');
    } else if (password !== undefined) {
      ctx.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    } else {
      password = await ask(ctx, 'Password: ', true);
    }
    if (!username || !password)
      throw new Error(`login to ${loginDomain(server)} needs a username and a password`);
    const daemon = await ctx.daemonIfRunning();
    let where: string;
    if (daemon) {
      // The daemon checks them against the registry; they are kept here, where docker keeps them.
      const domain = loginDomain(server);
      const answer = await loginOnDaemon(daemon, domain, { username, password });
      where = storeCredentials(
        domain,
        answer.IdentityToken
          ? { username, password: '', identityToken: answer.IdentityToken }
          : { username, password },
      );
    } else {
      where = await ctx.backend.login(server ?? '', { username, password });
    }
    ctx.stderr.write(`Credentials saved in ${where}\n`);
    ctx.stdout.write('Login Succeeded\n');
  },
};

export const logout: Command = {
  name: 'logout',
  usage: 'berth logout [SERVER]',
  summary: 'Log out from a registry (Docker Hub when no server is given)',
  engine: 'either',
  flags: [],
  args: [0, 1],
  async run(ctx, args) {
    const domain = loginDomain(args.positional[0]);
    // Credentials live where docker keeps them, on this side of the daemon: no request to make.
    if (removeCredentials(domain)) ctx.stdout.write(`Removing login credentials for ${domain}\n`);
    else ctx.stdout.write(`Not logged in to ${domain}\n`);
  },
};

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** Prompts on the terminal; the password is read without echo. */
async function ask(ctx: Parameters<typeof login.run>[0], prompt: string, secret = false): Promise<string> {
  if (!ctx.stdin.isTTY)
    throw new Error(
      `cannot prompt for ${prompt.replace(': ', '').toLowerCase()}: stdin is not a terminal; use -u and --password-stdin`,
    );
  ctx.stderr.write(prompt);
  const stdin = ctx.stdin as NodeJS.ReadStream;
  if (secret) stdin.setRawMode(true);
  return new Promise((resolve) => {
    let answer = '';
    const onData = (data: Buffer) => {
      for (const ch of data.toString()) {
        if (ch === '\r' || ch === '\n') {
          stdin.off('data', onData);
          if (secret) stdin.setRawMode(false);
          stdin.pause();
          ctx.stderr.write('\n');
          resolve(answer);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
