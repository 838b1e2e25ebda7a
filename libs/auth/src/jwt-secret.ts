import { type HubConfig, readOrCreateGeneratedSecret } from '@hub/core';

/**
 * HUB_JWT_SECRET when set (production: from the environment or a secret store). Otherwise one generated on first start
 * and kept in DATA_DIR/secrets, so an embedded hub keeps its sessions across restarts.
 */
export function resolveJwtSecret(config: HubConfig): string {
  return config.HUB_JWT_SECRET ?? readOrCreateGeneratedSecret(config.DATA_DIR, 'jwt-secret');
}
