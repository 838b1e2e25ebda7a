import type { AddendumView, ReportView } from '../report-view.js';

/** A signed chest CT report with realistic Chinese content, for the renderers' tests and previews. */
export function sampleReport(overrides: Partial<ReportView> = {}): ReportView {
  return {
    id: '5b0d9a4e-2f4c-4d1b-9a57-3c1e7f8a9b10',
    taskId: 'a1b2c3d4-0000-4000-8000-000000000001',
    requestId: 'a1b2c3d4-0000-4000-8000-000000000002',
    status: 'signed',
    discipline: 'imaging',
    priority: 'routine',
    referral: false,
    examCode: 'CT-CHEST-PLAIN',
    clinicalNotes: '咳嗽、咳痰两周，伴低热，既往吸烟史二十年。',
    centre: { id: 'c0000000-0000-4000-8000-000000000001', name: '远程影像诊断中心', institutionName: '青山市人民医院' },
    requestingInstitution: { id: 'i0000000-0000-4000-8000-000000000002', name: '青山市石桥镇卫生院' },
    study: {
      id: 's0000000-0000-4000-8000-000000000003',
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.12345678901234567890',
      accessionNumber: 'CT20260301-0042',
      performedAt: '2026-03-01T01:35:00.000Z',
      modalities: ['CT'],
      description: '胸部CT平扫',
    },
    patient: {
      id: 'p0000000-0000-4000-8000-000000000004',
      name: '王堃喆',
      sex: 'M',
      birthDate: '1968-07-15',
      localId: 'SQ-000731',
    },
    findings:
      '胸廓对称，气管居中。右肺上叶尖段见一大小约 1.2 cm × 0.9 cm 的结节影，边缘可见分叶及短毛刺，邻近胸膜牵拉；' +
      '左肺下叶背段见斑片状磨玻璃密度影，边界模糊。双肺门不大，纵隔内未见明显肿大淋巴结。\n' +
      '心影大小形态正常，主动脉壁可见钙化斑块。双侧胸腔未见积液，胸膜未见增厚。扫描范围内骨质未见明显破坏。',
    impression:
      '1. 右肺上叶尖段结节，考虑周围型肺癌可能，建议增强CT或穿刺活检进一步检查。\n' +
      '2. 左肺下叶背段炎症，建议抗感染治疗后复查。\n3. 主动脉硬化。',
    structured: { nodule_size_mm: 12, lung_rads: '4B', pleural_effusion: false },
    version: 3,
    author: { userId: 'u0000000-0000-4000-8000-000000000005', displayName: '李珺' },
    submittedAt: '2026-03-01T02:40:00.000Z',
    signedBy: { userId: 'u0000000-0000-4000-8000-000000000006', displayName: '张明华' },
    signedAt: '2026-03-01T03:05:00.000Z',
    contentHash: '9f2c6a1d4e8b7f3a0c5d2e9b1a7f4c3e8d6b0a2f5c9e1d7b3a8f4e0c6d2b9a15',
    hashVerified: true,
    addenda: [],
    marks: [{ kind: 'mutual_recognition', label: '青山市医共体HR', validUntil: '2027-02-18T02:00:00.000Z' }],
    ...overrides,
  };
}

export function sampleAddendum(overrides: Partial<AddendumView> = {}): AddendumView {
  return {
    id: 'd0000000-0000-4000-8000-000000000007',
    seq: 1,
    text: '补充：复阅薄层图像，右肺上叶结节内可见空泡征，更支持恶性病变，建议尽快胸外科会诊。',
    signedBy: { userId: 'u0000000-0000-4000-8000-000000000006', displayName: '张明华' },
    signedAt: '2026-03-02T00:20:00.000Z',
    contentHash: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    ...overrides,
  };
}
