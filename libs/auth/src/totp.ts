import { generateSecret, generateURI, verify } from 'otplib';

export const newTotpSecret = (): string => generateSecret();

export const totpUri = (secret: string, username: string): string =>
  generateURI({ issuer: 'Consortium Hub', label: username, secret });

/** RFC 6238, 30 s steps; one step of clock drift either way is accepted. */
export async function verifyTotp(secret: string, code: string): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const result = await verify({ secret, token: code, epochTolerance: 30 });
  return result.valid;
}
