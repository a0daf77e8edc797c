import { Center, Loader, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuditPage } from '../modules/admin/AuditPage.tsx';
import { BreakGlassPage } from '../modules/admin/BreakGlassPage.tsx';
import { UsersPage } from '../modules/admin/UsersPage.tsx';
import { PatientPage } from '../modules/patients/PatientPage.tsx';
import { PatientSearch } from '../modules/patients/PatientSearch.tsx';
import { ReferPage } from '../modules/referrals/ReferPage.tsx';
import { ReferralBoard } from '../modules/referrals/ReferralBoard.tsx';
import { Appointments } from '../modules/scheduling/Appointments.tsx';
import { BookVisit } from '../modules/scheduling/BookVisit.tsx';
import { ProviderCalendar } from '../modules/scheduling/ProviderCalendar.tsx';
import { WorklistPage } from '../modules/worklist/WorklistPage.tsx';
import { AuthProvider, useAuth } from './auth.tsx';
import { Layout } from './Layout.tsx';
import { navigationFor } from './navigation.ts';
import { SignIn } from './SignIn.tsx';

// Loaded when first opened: its charts (recharts) stay out of the initial bundle.
const CaseloadPage = lazy(() =>
  import('../modules/caseload/CaseloadPage.tsx').then((m) => ({ default: m.CaseloadPage })),
);

function Routed() {
  const { t } = useTranslation();
  const { session } = useAuth();
  if (session === undefined)
    return (
      <Center h="100vh">
        <Loader aria-label={t('loading')} />
      </Center>
    );
  if (session === null || session.stage !== 'full') return <SignIn />;
  const home = navigationFor(session.roles)[0]?.path;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route path="/worklist" element={<WorklistPage />} />
        <Route path="/patients" element={<PatientSearch />} />
        <Route path="/patients/:id" element={<PatientPage />} />
        <Route path="/patients/:id/book" element={<BookVisit />} />
        <Route path="/patients/:id/appointments" element={<Appointments />} />
        <Route path="/schedule" element={<ProviderCalendar />} />
        <Route path="/patients/:id/refer" element={<ReferPage />} />
        <Route path="/referrals" element={<ReferralBoard />} />
        <Route
          path="/caseload"
          element={
            <Suspense fallback={<Loader aria-label={t('loading')} />}>
              <CaseloadPage />
            </Suspense>
          }
        />
        <Route path="/administration">
          <Route index element={<Navigate to="users" replace />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="break-glass" element={<BreakGlassPage />} />
        </Route>
        <Route path="*" element={home ? <Navigate to={home} replace /> : <Text>{t('noScreens')}</Text>} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routed />
      </AuthProvider>
    </BrowserRouter>
  );
}
