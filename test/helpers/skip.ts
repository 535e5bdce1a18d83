import type { Context } from 'mocha';

/**
 * Skips the running test (or every test of the suite, from a `before` hook) and prints why. The
 * reason says what is missing and how to get it ("needs root", "needs docker-registry (apt, see
 * .ci/setup)"): CI runs as root with every tool, so a skip there points at a broken set-up.
 */
export function skipBecause(ctx: Context, reason: string): never {
  console.log(`      skip: ${reason}`);
  return ctx.skip();
}

/**
 * A suite-level guard: skips when `blocked` (the answer of a `…TestsBlocked()` check) names what is
 * missing, prefixed with `what` ("runtime engine tests"); does nothing when it is empty.
 */
export function skipIfBlocked(ctx: Context, blocked: string | null | undefined, what?: string): void {
  if (blocked) skipBecause(ctx, what ? `${what} ${blocked}` : blocked);
}
