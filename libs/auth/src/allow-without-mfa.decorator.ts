import { SetMetadata } from '@nestjs/common';

export const ALLOW_WITHOUT_MFA = 'hub:allow-without-mfa';

/** Reachable by an administrator who has not yet enrolled two-factor while HUB_REQUIRE_2FA is on (to enrol). */
export const AllowWithoutMfa = (): MethodDecorator => SetMetadata(ALLOW_WITHOUT_MFA, true);
