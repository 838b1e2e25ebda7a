import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import * as hub from './api/endpoints';
import { ApiClient, type Session } from './api/http';
import type { Me, Role } from './api/types';

const STORAGE_KEY = 'hub.session';

interface SessionState {
  api: ApiClient;
  me: Me | null;
  /** True until a session kept from before a reload has been checked with the hub. */
  restoring: boolean;
  login(username: string, password: string, totp?: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** The tokens live in sessionStorage: a reload keeps the login, closing the tab ends it. */
function savedSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [restoring, setRestoring] = useState(() => savedSession() !== null);
  const api = useMemo(
    () =>
      new ApiClient({
        session: savedSession(),
        onSessionChange: (session) => {
          if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
          else {
            sessionStorage.removeItem(STORAGE_KEY);
            setMe(null);
          }
        },
      }),
    [],
  );

  useEffect(() => {
    if (!api.session) return;
    hub
      .me(api)
      .then(setMe, () => api.endSession())
      .finally(() => setRestoring(false));
  }, [api]);

  const login = useCallback(
    async (username: string, password: string, totp?: string) => {
      await hub.login(api, username, password, totp);
      setMe(await hub.me(api));
    },
    [api],
  );
  const logout = useCallback(() => hub.logout(api), [api]);

  const value = useMemo(() => ({ api, me, restoring, login, logout }), [api, me, restoring, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

export const CLINIC_ROLES: Role[] = ['clinic_technician', 'clinic_doctor'];
export const READER_ROLES: Role[] = ['reader', 'senior_reader'];
/** Who takes part in consultations: the clinic's doctor asks, specialists answer, coordinators organise. */
export const CONSULTATION_ROLES: Role[] = ['clinic_doctor', 'specialist', 'coordinator'];
/** Who watches the consortium's centres and clinics (GET /api/oversight/*). */
export const OVERSIGHT_ROLES: Role[] = ['coordinator', 'admin', 'auditor'];
/** Who orders tests at a clinic, and so looks up recognisable prior results first. */
export const ORDERING_ROLES: Role[] = ['clinic_doctor'];
export const hasAnyRole = (me: Me | null, roles: Role[]) => !!me && me.roles.some((r) => roles.includes(r));
/** Oversight figures are per consortium: the platform administrator belongs to none. */
export const oversees = (me: Me | null) => hasAnyRole(me, OVERSIGHT_ROLES) && !!me?.consortiumId;
