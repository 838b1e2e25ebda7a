import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { switchLanguage } from '../i18n';
import {
  CLINIC_ROLES,
  CONSULTATION_ROLES,
  hasAnyRole,
  ORDERING_ROLES,
  oversees,
  READER_ROLES,
  useSession,
} from '../session';

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, logout } = useSession();
  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <strong>{t('app.title')}</strong>
          <span className="muted">{t('app.subtitle')}</span>
        </div>
        <nav>
          {hasAnyRole(me, CLINIC_ROLES) && (
            <>
              <NavLink to="/clinic/upload">{t('nav.upload')}</NavLink>
              <NavLink to="/clinic/requests">{t('nav.requests')}</NavLink>
            </>
          )}
          {hasAnyRole(me, READER_ROLES) && <NavLink to="/reader/worklist">{t('nav.worklist')}</NavLink>}
          {hasAnyRole(me, ORDERING_ROLES) && <NavLink to="/clinic/recognition">{t('recognition.nav')}</NavLink>}
          {hasAnyRole(me, CONSULTATION_ROLES) && <NavLink to="/consultations">{t('nav.consultations')}</NavLink>}
          {oversees(me) && <NavLink to="/oversight">{t('oversight.nav')}</NavLink>}
        </nav>
        <div className="who">
          {me && (
            <span data-testid="who">
              {me.displayName} · {me.roles.map((r) => t(`roles.${r}`)).join('、')}
            </span>
          )}
          <button type="button" className="link" onClick={switchLanguage}>
            {t('lang.switchTo')}
          </button>
          {me && (
            <button type="button" className="link" onClick={() => void logout()}>
              {t('nav.logout')}
            </button>
          )}
        </div>
      </header>
      <main>{children}</main>
    </div>
  );
}

export function ErrorNote({ error }: { error: string | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {t('common.error', { message: error })}
    </p>
  );
}
