import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../../lib/api.ts';
import type { AdminUser } from './model.ts';

/** Every account, by user name (GET /admin/users; administrators only: others pass `enabled` false). */
export const useUsers = (enabled = true) =>
  useQuery({
    queryKey: ['admin-users'],
    enabled,
    queryFn: async () => (await api<{ users: AdminUser[] }>('GET', '/admin/users')).users,
  });

/** A refusal as an ApiError (its message in plain language, its field when the server named one). */
export const asApiError = (e: unknown, fallback: string) => (e instanceof ApiError ? e : new ApiError(fallback, 0));
