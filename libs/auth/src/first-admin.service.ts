import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '@hub/core';
import { UserAccounts } from './user-accounts.service.js';

export const FIRST_ADMIN_USERNAME = 'admin';

/** On first boot: the platform administrator, with HUB_ADMIN_PASSWORD or a generated password shown once. */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly accounts: UserAccounts,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.accounts.exists(FIRST_ADMIN_USERNAME)) return;
    const generated = !this.config.HUB_ADMIN_PASSWORD;
    const password = this.config.HUB_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
    try {
      await this.accounts.create({
        username: FIRST_ADMIN_USERNAME,
        displayName: 'Platform administrator',
        password,
        institutionId: null,
        roles: ['admin'],
      });
    } catch (err) {
      // Another replica created it at the same moment.
      if (await this.accounts.exists(FIRST_ADMIN_USERNAME)) return;
      throw err;
    }
    this.logger.log(`created the platform administrator '${FIRST_ADMIN_USERNAME}'`);
    if (generated) {
      // Printed once, to the terminal only (not the structured log); it is not stored anywhere in clear.
      process.stdout.write(
        `\n  First administrator: username '${FIRST_ADMIN_USERNAME}', password '${password}'\n  (shown once; set HUB_ADMIN_PASSWORD to choose it)\n\n`,
      );
    }
  }
}
