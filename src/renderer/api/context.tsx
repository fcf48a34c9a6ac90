import { createContext, useContext } from 'react';
import type { MitraClient } from './client';

export const ClientContext = createContext<MitraClient | null>(null);

export function useClient(): MitraClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientContext');
  return client;
}
