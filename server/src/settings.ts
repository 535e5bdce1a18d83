// User settings (`berth.dockerfile.*`), read from the client with workspace/configuration and
// validated here, so a bad value in settings.json never breaks the server.

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type RuleSetting = Severity | 'off' | 'default';

export interface Settings {
  /** Per-rule severity overrides, keyed by rule name (`berth.dockerfile.rules.<Name>`). */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  /** Registries FROM may use (empty: any). Feeds the DisallowedRegistry rule. */
  readonly allowedRegistries: readonly string[];
}

export const defaultSettings: Settings = { rules: {}, allowedRegistries: [] };

const ruleSettings: ReadonlySet<string> = new Set([
  'error',
  'warning',
  'information',
  'hint',
  'off',
  'default',
]);

/** Builds settings from the raw `berth.dockerfile` section, dropping values of the wrong shape. */
export function readSettings(raw: unknown): Settings {
  if (typeof raw !== 'object' || raw === null) return defaultSettings;
  const section = raw as { rules?: unknown; allowedRegistries?: unknown };
  const rules: Record<string, RuleSetting> = {};
  if (typeof section.rules === 'object' && section.rules !== null) {
    for (const [name, value] of Object.entries(section.rules)) {
      if (typeof value === 'string' && ruleSettings.has(value)) rules[name] = value as RuleSetting;
    }
  }
  const allowedRegistries = Array.isArray(section.allowedRegistries)
    ? section.allowedRegistries.filter((r): r is string => typeof r === 'string' && r.length > 0)
    : [];
  return { rules, allowedRegistries };
}
