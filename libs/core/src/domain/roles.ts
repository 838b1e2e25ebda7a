export {
  DISCIPLINES,
  type Discipline,
  INSTITUTION_LEVELS,
  type InstitutionLevel,
  PRIORITIES,
  type Priority,
  type Role,
  ROLES,
} from '@hub/contracts';
