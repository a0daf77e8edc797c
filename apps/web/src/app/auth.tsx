import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, onSignedOut, setCsrfToken } from '../lib/api.ts';

/** The signed-in session as /auth answers it (`stage`: `mfa` and `enrol` are half-way through signing in). */
export type Session = Readonly<{
  stage: 'mfa' | 'enrol' | 'full';
  username: string;
  roles: readonly string[];
  /** Who the user is in the record (`Practitioner/…`), when linked. */
  reference?: string;
  csrfToken?: string;
  idleTimeoutSeconds: number;
}>;

type Auth = Readonly<{
  /** undefined while the page asks the server; null when nobody is signed in. */
  session: Session | null | undefined;
  accept(session: Session): void;
  signOut(reason?: 'idle'): Promise<void>;
  /** Why the last session ended, to say so on the sign-in page. */
  ended: 'idle' | 'expired' | undefined;
}>;

const AuthContext = createContext<Auth | undefined>(undefined);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/**
 * Holds the session in memory only: nothing about the user or patients goes to browser storage, and signing out
 * drops every cached answer, so nothing is left behind on a shared workstation.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [ended, setEnded] = useState<Auth['ended']>(undefined);

  const accept = useCallback((s: Session) => {
    if (s.csrfToken) setCsrfToken(s.csrfToken);
    setEnded(undefined);
    setSession(s);
  }, []);

  const clear = useCallback(
    (why?: Auth['ended']) => {
      setCsrfToken(undefined);
      queryClient.clear();
      setEnded(why);
      setSession(null);
    },
    [queryClient],
  );

  useEffect(() => {
    api<Session>('GET', '/auth/session').then(accept, () => setSession(null));
    return onSignedOut(() => clear('expired'));
  }, [accept, clear]);

  const signOut = useCallback(
    async (reason?: 'idle') => {
      await api('POST', '/auth/logout').catch(() => undefined);
      clear(reason);
    },
    [clear],
  );

  const value = useMemo(() => ({ session, accept, signOut, ended }), [session, accept, signOut, ended]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
