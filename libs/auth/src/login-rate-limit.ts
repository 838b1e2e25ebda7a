import { rateLimit } from 'express-rate-limit';
import type { HubConfig } from '@hub/core';

/** Slows password guessing from one address; the per-account lockout covers guessing spread over many addresses. */
export const loginRateLimit = (config: HubConfig) =>
  rateLimit({
    windowMs: 60_000,
    limit: config.LOGIN_RATE_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Too many login attempts from this address: wait a minute and try again',
      });
    },
  });
