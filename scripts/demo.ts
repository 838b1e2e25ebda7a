/**
 * npm run demo: seeds a demo consortium into the hub's database and prints the logins (see demo-seed.ts). Safe to run
 * again, and while the hub runs: the demo users then get new passwords. Uses DATABASE_URL or the embedded database.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../apps/hub/src/app.module.js';
import { seedDemo } from '../apps/hub/src/demo/demo-seed.js';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(process.env), { logger: ['error', 'warn'] });
  try {
    const { logins } = await seedDemo(app);
    console.log('\nDemo consortium DEMO is ready. Logins (log in at POST /api/auth/login, or try them in /docs):\n');
    console.log('  role               username            password       institution');
    for (const l of logins)
      console.log(`  ${l.role.padEnd(18)} ${l.username.padEnd(19)} ${l.password.padEnd(14)} ${l.institution}`);
    console.log('\nRun `npm run demo` again to issue new passwords.\n');
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
