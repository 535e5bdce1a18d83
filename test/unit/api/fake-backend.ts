// A fake engine for API routing tests: records calls, answers from small in-memory tables.
// Methods a test does not set throw, so an unexpected call fails loudly.
import type { EngineBackend } from '../../../engine/src/api/backend';

type DeepPartial<T> = { [K in keyof T]?: Partial<T[K]> };

export function fakeBackend(parts: DeepPartial<EngineBackend>): EngineBackend {
  const area = (name: keyof EngineBackend) =>
    new Proxy((parts[name] ?? {}) as Record<string, unknown>, {
      get(target, prop: string) {
        if (prop in target) return target[prop];
        if (prop === 'then') return undefined;
        return () => {
          throw new Error(`fake backend: ${name}.${prop} was not expected in this test`);
        };
      },
    });
  return {
    containers: area('containers'),
    exec: area('exec'),
    images: area('images'),
    volumes: area('volumes'),
    networks: area('networks'),
    system: area('system'),
  } as unknown as EngineBackend;
}
