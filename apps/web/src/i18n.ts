import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { zhCN } from './locales/zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'hub.language';

const saved = localStorage.getItem(STORAGE_KEY);
const initial: Language = saved === 'en' ? 'en' : 'zh-CN';

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = initial;

export function switchLanguage(): void {
  const next: Language = i18n.language === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  void i18n.changeLanguage(next);
}

export { i18n };
