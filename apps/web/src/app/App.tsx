import { Center, Loader, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { PatientPage } from '../modules/patients/PatientPage.tsx';
import { PatientSearch } from '../modules/patients/PatientSearch.tsx';
import { ReferPage } from '../modules/referrals/ReferPage.tsx';
import { ReferralBoard } from '../modules/referrals/ReferralBoard.tsx';
import { BookVisit } from '../modules/scheduling/BookVisit.tsx';
import { WorklistPage } from '../modules/worklist/WorklistPage.tsx';
import { AuthProvider, useAuth } from './auth.tsx';
import { Layout } from './Layout.tsx';
import { navigationFor } from './navigation.ts';
import { SignIn } from './SignIn.tsx';

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
        <Route path="/patients/:id/refer" element={<ReferPage />} />
        <Route path="/referrals" element={<ReferralBoard />} />
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
