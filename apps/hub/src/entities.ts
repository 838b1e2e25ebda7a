import { AuditChainAnchorEntity, AuditChainLinkEntity, AuditEventEntity, AuditUnsealedEntity } from '@hub/audit';
import { AuthSessionEntity, RefreshTokenEntity, UserEntity } from '@hub/auth';
import {
  CentreEntity,
  CentreServedInstitutionEntity,
  ConsortiumEntity,
  InstitutionEntity,
  ReadingPrivilegeEntity,
} from '@hub/consortium';
import {
  ConsultationEntity,
  ConsultationEventEntity,
  ConsultationMaterialEntity,
  ConsultationParticipantEntity,
} from '@hub/consultation';
import { DicomModalityEntity } from '@hub/dimse';
import { PatientEntity, PatientIdentifierEntity } from '@hub/patients';
import {
  ReadingRequestEntity,
  ReadingTaskEntity,
  ReportAddendumEntity,
  ReportEntity,
  ReportTemplateEntity,
  ReportVersionEntity,
} from '@hub/reading';
import {
  InstitutionQcRecordEntity,
  RecognisableResultEntity,
  RecognitionDecisionEntity,
  RecognitionItemEntity,
  RecognitionLookupEntity,
  RecognitionSettingsEntity,
} from '@hub/recognition';
import {
  InstanceEntity,
  LabResultEntity,
  SeriesEntity,
  StudyAccessGrantEntity,
  StudyEntity,
  StudyFileEntity,
} from '@hub/studies';

/** Every entity of the hub: the migration generator and the schema drift test compare these with the migrations. */
export const allEntities = [
  ConsortiumEntity,
  InstitutionEntity,
  CentreEntity,
  CentreServedInstitutionEntity,
  UserEntity,
  AuthSessionEntity,
  RefreshTokenEntity,
  ReadingPrivilegeEntity,
  AuditEventEntity,
  AuditChainLinkEntity,
  AuditUnsealedEntity,
  AuditChainAnchorEntity,
  PatientEntity,
  PatientIdentifierEntity,
  StudyEntity,
  SeriesEntity,
  InstanceEntity,
  StudyFileEntity,
  LabResultEntity,
  StudyAccessGrantEntity,
  ReadingRequestEntity,
  ReadingTaskEntity,
  ReportEntity,
  ReportVersionEntity,
  ReportAddendumEntity,
  ReportTemplateEntity,
  RecognitionItemEntity,
  RecognitionSettingsEntity,
  InstitutionQcRecordEntity,
  RecognisableResultEntity,
  RecognitionLookupEntity,
  RecognitionDecisionEntity,
  ConsultationEntity,
  ConsultationParticipantEntity,
  ConsultationMaterialEntity,
  ConsultationEventEntity,
  DicomModalityEntity,
];
