// User settings (`berth.dockerfile.*`), read from the client with workspace/configuration and
// validated here, so a bad value in settings.json never breaks the server.

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type RuleSetting = Severity | 'off' | 'default';

export interface Settings {
  /** Per-rule severity overrides, keyed by rule name (`berth.dockerfile.rules.<Name>`). */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  /** Registries FROM may use (empty: any). Feeds the DisallowedRegistry rule. */
  readonly allowedRegistries: readonly string[];
  /** Label keys the final image must carry (empty: none). Feeds RequiredLabelMissing. */
  readonly requiredLabels: readonly string[];
  /** Only the required labels may be set. Feeds UnexpectedLabel. */
  readonly strictLabels: boolean;
}

export const defaultSettings: Settings = {
  rules: {},
  allowedRegistries: [],
  requiredLabels: [],
  strictLabels: false,
};

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];
}

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
  const section = raw as {
    rules?: unknown;
    allowedRegistries?: unknown;
    requiredLabels?: unknown;
    strictLabels?: unknown;
  };
  const rules: Record<string, RuleSetting> = {};
  if (typeof section.rules === 'object' && section.rules !== null) {
    for (const [name, value] of Object.entries(section.rules)) {
      if (typeof value === 'string' && ruleSettings.has(value)) rules[name] = value as RuleSetting;
    }
  }
  return {
    rules,
    allowedRegistries: strings(section.allowedRegistries),
    requiredLabels: strings(section.requiredLabels),
    strictLabels: section.strictLabels === true,
  };
}
