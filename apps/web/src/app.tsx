import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/layout';
import { RecognitionPage } from './pages/clinic/recognition-page';
import { RequestPage } from './pages/clinic/request-page';
import { RequestsPage } from './pages/clinic/requests-page';
import { StudyUploadPage } from './pages/clinic/study-upload-page';
import { UploadPage } from './pages/clinic/upload-page';
import { ConsultationPage } from './pages/consultation/consultation-page';
import { ConsultationsPage } from './pages/consultation/consultations-page';
import { NewConsultationPage } from './pages/consultation/new-consultation-page';
import { RoomPage } from './pages/consultation/room-page';
import { LoginPage } from './pages/login-page';
import { TaskPage } from './pages/reader/task-page';
import { WorklistPage } from './pages/reader/worklist-page';
import {
  CLINIC_ROLES,
  CONSULTATION_ROLES,
  hasAnyRole,
  ORDERING_ROLES,
  oversees,
  READER_ROLES,
  SessionProvider,
  useSession,
} from './session';

// Loaded when first opened: the charts library stays out of the bundle every other user downloads.
const OversightPage = lazy(() =>
  import('./pages/oversight/oversight-page').then((m) => ({ default: m.OversightPage })),
);

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Layout>
          <Screens />
        </Layout>
      </BrowserRouter>
    </SessionProvider>
  );
}

function Screens() {
  const { t } = useTranslation();
  const { me, restoring } = useSession();
  if (restoring) return <p>{t('common.loading')}</p>;
  if (!me) return <LoginPage />;
  const clinic = hasAnyRole(me, CLINIC_ROLES);
  const reader = hasAnyRole(me, READER_ROLES);
  const consults = hasAnyRole(me, CONSULTATION_ROLES);
  const overseer = oversees(me);
  const home = clinic
    ? '/clinic/requests'
    : reader
      ? '/reader/worklist'
      : consults
        ? '/consultations'
        : overseer
          ? '/oversight'
          : null;
  return (
    <Routes>
      {clinic && (
        <>
          <Route path="/clinic/upload" element={<UploadPage />} />
          <Route path="/clinic/upload/studies" element={<StudyUploadPage />} />
          <Route path="/clinic/requests" element={<RequestsPage />} />
          <Route path="/clinic/requests/:requestId" element={<RequestPage />} />
        </>
      )}
      {hasAnyRole(me, ORDERING_ROLES) && <Route path="/clinic/recognition" element={<RecognitionPage />} />}
      {overseer && (
        <Route
          path="/oversight"
          element={
            <Suspense fallback={<p>{t('common.loading')}</p>}>
              <OversightPage />
            </Suspense>
          }
        />
      )}
      {reader && (
        <>
          <Route path="/reader/worklist" element={<WorklistPage />} />
          <Route path="/reader/tasks/:taskId" element={<TaskPage />} />
        </>
      )}
      {consults && (
        <>
          <Route path="/consultations" element={<ConsultationsPage />} />
          <Route path="/consultations/new" element={<NewConsultationPage />} />
          <Route path="/consultations/:consultationId" element={<ConsultationPage />} />
          <Route path="/consultations/:consultationId/room" element={<RoomPage />} />
        </>
      )}
      <Route
        path="*"
        element={home ? <Navigate to={home} replace /> : <p>{t('nav.notYet', { roles: me.roles.join(', ') })}</p>}
      />
    </Routes>
  );
}
