import { hubConfigSchema, type HubConfig } from './hub-config.schema.js';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Parses the environment once at boot; throws with every problem listed, not just the first. */
export function loadHubConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = hubConfigSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigValidationError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return Object.freeze(result.data);
}
