export const ROLES = [
  'clinic_technician',
  'clinic_doctor',
  'reader',
  'senior_reader',
  'specialist',
  'coordinator',
  'admin',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export const DISCIPLINES = ['imaging', 'ecg', 'lab', 'pathology'] as const;
export type Discipline = (typeof DISCIPLINES)[number];

export const INSTITUTION_LEVELS = ['tertiary', 'secondary', 'township', 'community', 'village'] as const;
export type InstitutionLevel = (typeof INSTITUTION_LEVELS)[number];

export const PRIORITIES = ['stat', 'urgent', 'routine'] as const;
export type Priority = (typeof PRIORITIES)[number];
