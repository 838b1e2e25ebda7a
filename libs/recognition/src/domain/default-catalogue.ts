import type { CatalogueItem } from '@hub/contracts';

export type { CatalogueItem } from '@hub/contracts';

/**
 * The catalogue a consortium starts with: common lab panels, plain film, CT, MR and ultrasound, and the 12-lead ECG.
 * The national measure sets no fixed validity; these are starting values the consortium's administrators adjust.
 */
export const DEFAULT_CATALOGUE: readonly CatalogueItem[] = [
  {
    code: 'LAB-CBC',
    nameZh: '血常规',
    nameEn: 'Complete blood count',
    discipline: 'lab',
    validityDays: 7,
    priceYuan: 20,
  },
  { code: 'LAB-UA', nameZh: '尿常规', nameEn: 'Urinalysis', discipline: 'lab', validityDays: 7, priceYuan: 15 },
  {
    code: 'LAB-BMP',
    nameZh: '生化基础组合',
    nameEn: 'Basic metabolic panel',
    discipline: 'lab',
    validityDays: 14,
    priceYuan: 80,
  },
  {
    code: 'LAB-LFT',
    nameZh: '肝功能',
    nameEn: 'Liver function tests',
    discipline: 'lab',
    validityDays: 14,
    priceYuan: 60,
  },
  {
    code: 'LAB-RFT',
    nameZh: '肾功能',
    nameEn: 'Renal function tests',
    discipline: 'lab',
    validityDays: 14,
    priceYuan: 40,
  },
  { code: 'LAB-LIPID', nameZh: '血脂四项', nameEn: 'Lipid panel', discipline: 'lab', validityDays: 30, priceYuan: 40 },
  { code: 'LAB-HBA1C', nameZh: '糖化血红蛋白', nameEn: 'HbA1c', discipline: 'lab', validityDays: 90, priceYuan: 50 },
  {
    code: 'LAB-COAG',
    nameZh: '凝血功能',
    nameEn: 'Coagulation panel',
    discipline: 'lab',
    validityDays: 7,
    priceYuan: 60,
  },
  {
    code: 'LAB-HBV',
    nameZh: '乙肝五项',
    nameEn: 'Hepatitis B serology',
    discipline: 'lab',
    validityDays: 180,
    priceYuan: 60,
  },
  {
    code: 'DR-CHEST',
    nameZh: '胸部DR',
    nameEn: 'Chest radiograph',
    discipline: 'imaging',
    validityDays: 90,
    priceYuan: 80,
  },
  { code: 'CT-HEAD', nameZh: '头颅CT平扫', nameEn: 'Head CT', discipline: 'imaging', validityDays: 90, priceYuan: 200 },
  {
    code: 'CT-CHEST',
    nameZh: '胸部CT平扫',
    nameEn: 'Chest CT',
    discipline: 'imaging',
    validityDays: 90,
    priceYuan: 250,
  },
  {
    code: 'MR-HEAD',
    nameZh: '头颅MR平扫',
    nameEn: 'Head MRI',
    discipline: 'imaging',
    validityDays: 180,
    priceYuan: 500,
  },
  {
    code: 'MR-LSPINE',
    nameZh: '腰椎MR平扫',
    nameEn: 'Lumbar spine MRI',
    discipline: 'imaging',
    validityDays: 180,
    priceYuan: 500,
  },
  {
    code: 'US-ABD',
    nameZh: '腹部超声',
    nameEn: 'Abdominal ultrasound',
    discipline: 'imaging',
    validityDays: 30,
    priceYuan: 120,
  },
  {
    code: 'ECG-12',
    nameZh: '常规十二导联心电图',
    nameEn: '12-lead ECG',
    discipline: 'ecg',
    validityDays: 30,
    priceYuan: 30,
  },
];
