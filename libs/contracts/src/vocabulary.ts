// The hub's fixed vocabularies, shared by the server and the browser console (this lib imports nothing).

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

/** A reading task's states; the transitions between them live in libs/reading (domain/task-state.ts). */
export const TASK_STATES = [
  'queued',
  'claimed',
  'drafted',
  'submitted',
  'reviewing',
  'signed',
  'returned',
  'cancelled',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** Why a centre sends a task back to the requesting clinic (退回). `other` needs a note. */
export const RETURN_REASONS = [
  'poor_image_quality',
  'incomplete_study',
  'missing_clinical_information',
  'wrong_patient_or_study',
  'wrong_centre',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** An open task's standing against its due time. */
export type SlaStatus = 'on_time' | 'warning' | 'breached';
