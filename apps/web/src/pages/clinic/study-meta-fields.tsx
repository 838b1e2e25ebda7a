import { useTranslation } from 'react-i18next';
import type { NewStudy, UploadDiscipline } from '../../api/studies';

export const UPLOAD_DISCIPLINES: UploadDiscipline[] = ['ecg', 'pathology', 'lab'];
const DEFAULT_EXAM: Record<UploadDiscipline, string> = { ecg: 'ECG-12', pathology: 'PATH-HE', lab: 'LAB-BMP' };
const SEXES = ['M', 'F', 'O', 'U'] as const;

/** The form's own values (strings as the inputs hold them); `toNewStudy` makes the hub's metadata of them. */
export interface StudyDraft {
  discipline: UploadDiscipline;
  localId: string;
  name: string;
  sex: '' | (typeof SEXES)[number];
  birthDate: string;
  examCode: string;
  /** datetime-local: the clinic's wall clock. */
  performedAt: string;
  accessionNumber: string;
  description: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const localNow = () => {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export const emptyDraft = (discipline: UploadDiscipline): StudyDraft => ({
  discipline,
  localId: '',
  name: '',
  sex: '',
  birthDate: '',
  examCode: DEFAULT_EXAM[discipline],
  performedAt: localNow(),
  accessionNumber: '',
  description: '',
});

const optional = <K extends string>(key: K, value: string) =>
  (value.trim() ? { [key]: value.trim() } : {}) as Partial<Record<K, string>>;

export function toNewStudy(d: StudyDraft): NewStudy {
  return {
    patient: {
      localId: d.localId.trim(),
      name: d.name.trim(),
      ...(d.sex ? { sex: d.sex } : {}),
      ...optional('birthDate', d.birthDate),
    },
    discipline: d.discipline,
    examCode: d.examCode.trim(),
    performedAt: d.performedAt ? new Date(d.performedAt).toISOString() : '',
    ...optional('accessionNumber', d.accessionNumber),
    ...optional('description', d.description),
  };
}

/** Who was examined, with what, and when: the metadata every non-DICOM study is filed with. */
export function StudyMetaFields({ draft, onChange }: { draft: StudyDraft; onChange: (d: StudyDraft) => void }) {
  const { t } = useTranslation();
  const field = (key: keyof StudyDraft, extra: { type?: string; required?: boolean; maxLength?: number } = {}) => (
    <label>
      {t(`studyUpload.fields.${key}`)}
      <input
        name={key}
        type={extra.type ?? 'text'}
        required={extra.required}
        maxLength={extra.maxLength}
        value={draft[key]}
        onChange={(e) => onChange({ ...draft, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <fieldset className="meta-fields">
      <label>
        {t('studyUpload.fields.discipline')}
        <select
          name="discipline"
          value={draft.discipline}
          onChange={(e) => {
            const discipline = e.target.value as UploadDiscipline;
            onChange({ ...draft, discipline, examCode: DEFAULT_EXAM[discipline] });
          }}
        >
          {UPLOAD_DISCIPLINES.map((d) => (
            <option key={d} value={d}>
              {t(`studies.disciplines.${d}`)}
            </option>
          ))}
        </select>
      </label>
      {field('localId', { required: true, maxLength: 64 })}
      {field('name', { required: true, maxLength: 128 })}
      <label>
        {t('studyUpload.fields.sex')}
        <select
          name="sex"
          value={draft.sex}
          onChange={(e) => onChange({ ...draft, sex: e.target.value as StudyDraft['sex'] })}
        >
          <option value="">—</option>
          {SEXES.map((s) => (
            <option key={s} value={s}>
              {t(`studyUpload.sexes.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {field('birthDate', { type: 'date' })}
      {field('examCode', { required: true, maxLength: 32 })}
      {field('performedAt', { type: 'datetime-local', required: true })}
      {field('accessionNumber', { maxLength: 64 })}
      {field('description', { maxLength: 256 })}
    </fieldset>
  );
}
